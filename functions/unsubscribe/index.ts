// Placeholder while the handler is being written in this same change; replaced before commit.
export const handler = async (): Promise<never> => {
  throw new Error('not wired yet');
};
