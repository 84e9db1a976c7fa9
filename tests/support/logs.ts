/**
 * The JSON log lines a handler writes while captured (Powertools writes INFO to stdout, WARN and ERROR to
 * stderr); `restore` puts both streams back, so call it in a `finally`.
 */
export function capturedLogLines(): { lines: Record<string, unknown>[]; restore: () => void } {
  const lines: Record<string, unknown>[] = [];
  const capture = (chunk: unknown) => {
    for (const line of String(chunk).split('\n').filter(Boolean))
      lines.push(JSON.parse(line) as Record<string, unknown>);
    return true;
  };
  const spies = [jest.spyOn(process.stdout, 'write'), jest.spyOn(process.stderr, 'write')].map((s) =>
    s.mockImplementation(capture),
  );
  return { lines, restore: () => spies.forEach((s) => s.mockRestore()) };
}
