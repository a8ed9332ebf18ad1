// What global-setup.ts provides to the test files (vitest's `provide`/`inject`).
declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string
  }
}

export {}
