/** Spot's public API: where a token goes when nothing says otherwise. Its own module so front-ends can name it without loading the client. */
export const DEFAULT_BASE_URL = "https://api.spotinst.io";
