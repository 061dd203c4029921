// The ratings given in this window, by template id: the service keeps only the average and the
// count, so this is what lets the detail show "you rated it 4" (and not invite a second vote)
// until the app restarts.
export const USER_RATINGS = new Map<string, number>();
