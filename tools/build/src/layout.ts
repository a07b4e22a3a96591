/** Where a package's two builds go, relative to the package. */
export const ESM_DIR = 'dist/esm'
export const COMMONJS_DIR = 'dist/cjs'
