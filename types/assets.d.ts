/** Stylesheets imported by the pages (web/): esbuild bundles them into the page's main.css. */
declare module '*.css';
