/** Organizations (O1, O2). Spot has no read or rename endpoint for an organization. */
import { created, needLetter, needString, toStr, type CreateOptions } from "./area";
import { NotFoundError } from "./errors";
import type { AccountsApi } from "./accounts";
import type { Transport } from "./transport";
import type { CreateOrganizationInput, Organization } from "./types";

const CREATE = "/setup/organization";
const ONE = "/setup/organization/{organizationId}";

export class OrganizationsApi {
  constructor(
    private readonly t: Transport,
    private readonly accounts: AccountsApi,
  ) {}

  async create(input: CreateOrganizationInput, opts: CreateOptions<Organization> = {}): Promise<Organization> {
    needLetter("POST", CREATE, "organization.name", input?.name);
    const items = await this.t.request<Record<string, unknown>>({
      method: "POST",
      route: CREATE,
      body: { organization: { name: input.name } },
      invalidates: ["organizations"],
      findExisting: opts.findExisting,
    });
    const item = created(items, "POST", CREATE);
    // Spot sends the id as a number here and as a string elsewhere; ids are strings in this client.
    return { ...item, organizationId: toStr(item.organizationId) ?? "" } as Organization;
  }

  /** Irreversible: deletes the organization with everything in it. */
  async delete(organizationId: string): Promise<void> {
    needString("DELETE", ONE, "organizationId", organizationId);
    await this.t.request({
      method: "DELETE",
      route: ONE,
      params: { organizationId: String(organizationId) },
      invalidates: ["organizations", "accounts", "users", "userGroups", "policies"],
    });
  }

  /**
   * The token's organization. No endpoint answers this directly; every organization has at least its default
   * account, and account list items carry organizationId.
   */
  async current(): Promise<{ organizationId: string }> {
    const accounts = await this.accounts.list();
    const org = accounts.find((a) => a.organizationId)?.organizationId;
    if (!org) {
      throw new NotFoundError({
        method: "GET",
        path: "/setup/account",
        spotMessage: "the token's organization could not be determined (no account carries organizationId)",
      });
    }
    return { organizationId: org };
  }
}
