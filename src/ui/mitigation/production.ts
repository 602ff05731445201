/**
 * Whether a context's name says it is production: `prod`, `production` or `prd` as a word of
 * it (`gke_acme_prod`, `prd-eu-1`, `production`), not inside another word (`product-demo`,
 * `nonprod`). Plain logic, no `vscode`, so unit tests run it under plain Node.
 */
export function looksLikeProduction(context: string): boolean {
  return /(^|[^a-z0-9])(prod|production|prd)([^a-z0-9]|$)/i.test(context);
}
