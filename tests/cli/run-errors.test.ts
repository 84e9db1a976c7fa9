import { run } from '../../cli/main';
import { redriveCommand } from '../../cli/redrive';
import { ConfigValidationError } from '../../domain/errors';

// A command that reads workflows after its first await rejects instead of throwing: run answers both the same.
jest.mock('../../cli/redrive', () => ({ REDRIVE_USAGE: 'usage', redriveCommand: jest.fn() }));
const command = jest.mocked(redriveCommand);

const invalid = new ConfigValidationError('Invalid workflows in workflows', [
  { source: 'workflows/settings.yaml', field: 'locales', value: [], expected: 'at least one locale' },
]);

async function exitOf(): Promise<{ code: number; errors: string[] }> {
  const errors: string[] = [];
  const code = await run(
    ['redrive', 'events'],
    () => undefined,
    (s) => errors.push(s),
  );
  return { code, errors };
}

describe('run, when a command finds the workflows invalid', () => {
  it('exits 1 with every problem when the command throws', async () => {
    command.mockImplementation(() => {
      throw invalid;
    });
    expect(await exitOf()).toEqual({ code: 1, errors: [invalid.message] });
  });

  it('exits 1 with every problem when the command rejects', async () => {
    command.mockRejectedValue(invalid);
    expect(await exitOf()).toEqual({ code: 1, errors: [invalid.message] });
  });

  it('lets any other error through, as a bug to see whole', async () => {
    command.mockRejectedValue(new TypeError('x is undefined'));
    await expect(exitOf()).rejects.toThrow(TypeError);
  });
});
