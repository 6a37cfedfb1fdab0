// Vite turns an import of a file with "?url" into the URL of that file, copied
// beside the built page.
declare module "*.wasm?url" {
  const url: string;
  export default url;
}
