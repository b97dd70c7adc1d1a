// The tsconfig's node10 resolution ignores package exports, so image-size's public `types/*` entry points get their typings here.
declare module 'image-size/types/index' {
  export * from 'image-size/dist/cjs/types/index';
}
