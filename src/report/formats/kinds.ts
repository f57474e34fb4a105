/** The reviewer formats, apart from their writers so that text runs (the hook) never load those. */
export const REVIEW_FORMATS = ['github', 'sarif', 'markdown'] as const;
export type ReviewFormat = (typeof REVIEW_FORMATS)[number];

export function isReviewFormat(format: string): format is ReviewFormat {
  return (REVIEW_FORMATS as readonly string[]).includes(format);
}
