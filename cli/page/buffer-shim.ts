// Injected by esbuild into the page's bundle: the CLI's reader and iconv-lite use Node's Buffer; the npm `buffer` package is the same API for browsers.
export { Buffer } from 'buffer';
