declare module 'asl-validator' {
  interface AslValidationResult {
    isValid: boolean;
    errors: { 'Error code': string; Message: string }[];
  }
  /** Note: mutates its input (adds QueryLanguage); pass a copy. */
  function aslValidator(definition: unknown, options?: Record<string, unknown>): AslValidationResult;
  export = aslValidator;
}
