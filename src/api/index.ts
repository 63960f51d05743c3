// Placeholder until the client lands (issue 3); replaced wholesale by src/api.
export class SpotClient {}
