// Migrations are embedded as text by the build (esbuild loader) and by vitest (sql-as-text plugin).
declare module '*.sql' {
  const text: string;
  export default text;
}
