/**
 * Reference data the emulator serves as Spot does: the access-policy action catalogue and the compute event
 * types of the notification center. Action names follow Spot's `service:verbNoun` convention; the setup:*
 * actions are the ones the emulator's own permission checks accept (see auth.ts and docs/emulator.md).
 */
export interface PolicyAction {
  name: string;
  service: string;
  resourcePattern: string;
  scope: "ACCOUNT" | "ORGANIZATION";
  category: "CREATE" | "READ" | "UPDATE" | "DELETE";
}

const a = (
  name: string,
  scope: PolicyAction["scope"],
  category: PolicyAction["category"],
  resourcePattern = "*",
): PolicyAction => ({ name, service: name.split(":")[0], resourcePattern, scope, category });

export const POLICY_ACTIONS: PolicyAction[] = [
  a("setup:createOrganization", "ORGANIZATION", "CREATE"),
  a("setup:deleteOrganization", "ORGANIZATION", "DELETE"),
  a("setup:createAccount", "ORGANIZATION", "CREATE"),
  a("setup:describeAccount", "ACCOUNT", "READ", "setup:act-*"),
  a("setup:updateAccount", "ACCOUNT", "UPDATE", "setup:act-*"),
  a("setup:createCredentials", "ACCOUNT", "CREATE", "setup:act-*"),
  a("setup:describeCredentials", "ACCOUNT", "READ", "setup:act-*"),
  a("setup:createUser", "ORGANIZATION", "CREATE"),
  a("setup:describeUser", "ORGANIZATION", "READ"),
  a("setup:updateUser", "ORGANIZATION", "UPDATE"),
  a("setup:deleteUser", "ORGANIZATION", "DELETE"),
  a("setup:updateUserPermissions", "ORGANIZATION", "UPDATE"),
  a("setup:createUserGroup", "ORGANIZATION", "CREATE"),
  a("setup:describeUserGroup", "ORGANIZATION", "READ"),
  a("setup:updateUserGroup", "ORGANIZATION", "UPDATE"),
  a("setup:deleteUserGroup", "ORGANIZATION", "DELETE"),
  a("setup:createPolicy", "ORGANIZATION", "CREATE"),
  a("setup:describePolicy", "ORGANIZATION", "READ"),
  a("setup:updatePolicy", "ORGANIZATION", "UPDATE"),
  a("setup:deletePolicy", "ORGANIZATION", "DELETE"),
  a("setup:describeAllAuditEvents", "ORGANIZATION", "READ"),
  a("notificationCenter:createPolicy", "ACCOUNT", "CREATE", "notificationCenter:snp-*"),
  a("notificationCenter:describePolicy", "ACCOUNT", "READ", "notificationCenter:snp-*"),
  a("notificationCenter:updatePolicy", "ACCOUNT", "UPDATE", "notificationCenter:snp-*"),
  a("notificationCenter:deletePolicy", "ACCOUNT", "DELETE", "notificationCenter:snp-*"),
  a("events:createSubscription", "ACCOUNT", "CREATE", "events:sis-*"),
  a("events:describeSubscription", "ACCOUNT", "READ", "events:sis-*"),
  a("events:updateSubscription", "ACCOUNT", "UPDATE", "events:sis-*"),
  a("events:deleteSubscription", "ACCOUNT", "DELETE", "events:sis-*"),
  a("events:updateAccountPolicy", "ACCOUNT", "UPDATE"),
  a("elastigroup:createGroup", "ACCOUNT", "CREATE", "elastigroup:sig-*"),
  a("elastigroup:describeGroup", "ACCOUNT", "READ", "elastigroup:sig-*"),
  a("elastigroup:updateGroup", "ACCOUNT", "UPDATE", "elastigroup:sig-*"),
  a("elastigroup:deleteGroup", "ACCOUNT", "DELETE", "elastigroup:sig-*"),
  a("elastigroup:scaleGroup", "ACCOUNT", "UPDATE", "elastigroup:sig-*"),
  a("ocean:createCluster", "ACCOUNT", "CREATE", "ocean:o-*"),
  a("ocean:importCluster", "ACCOUNT", "CREATE", "ocean:o-*"),
  a("ocean:describeCluster", "ACCOUNT", "READ", "ocean:o-*"),
  a("ocean:updateCluster", "ACCOUNT", "UPDATE", "ocean:o-*"),
  a("ocean:deleteCluster", "ACCOUNT", "DELETE", "ocean:o-*"),
  a("ocean:updateLaunchSpec", "ACCOUNT", "UPDATE", "ocean:ols-*"),
  a("ocean:launchNodesInLaunchSpec", "ACCOUNT", "UPDATE", "ocean:ols-*"),
  a("ocean:updateClusterLaunchSpec", "ACCOUNT", "UPDATE", "ocean:ols-*"),
  a("emr:scale", "ACCOUNT", "UPDATE", "emr:simrc-*"),
];

const byName = new Map(POLICY_ACTIONS.map((x) => [x.name.toLowerCase(), x]));

export function policyAction(name: string): PolicyAction | undefined {
  return byName.get(name.toLowerCase());
}

/** Compute events offered by the notification center, per cloud provider of the account. */
export interface ComputeEvent {
  event: string;
  type: "INFO" | "WARN" | "ERROR";
}

const COMMON_EVENTS: ComputeEvent[] = [
  { event: "Maximum capacity reached", type: "WARN" },
  { event: "Minimum capacity reached", type: "INFO" },
  { event: "Scale up failed", type: "ERROR" },
  { event: "Deployment started", type: "INFO" },
  { event: "Deployment finished", type: "INFO" },
  { event: "Deployment failed", type: "ERROR" },
  { event: "Missing configuration", type: "ERROR" },
  { event: "Instance launch failed", type: "ERROR" },
];

export const COMPUTE_EVENTS: Record<"AWS" | "AZURE" | "GCP", ComputeEvent[]> = {
  AWS: [
    ...COMMON_EVENTS,
    { event: "Spot interruption", type: "WARN" },
    { event: "Fallback to on-demand", type: "WARN" },
    { event: "Instance unhealthy in ELB", type: "WARN" },
  ],
  AZURE: [
    ...COMMON_EVENTS,
    { event: "VM eviction", type: "WARN" },
    { event: "Fallback to pay-as-you-go", type: "WARN" },
  ],
  GCP: [...COMMON_EVENTS, { event: "Preemption", type: "WARN" }, { event: "Fallback to on-demand", type: "WARN" }],
};

export function computeEvents(provider: string | null): ComputeEvent[] {
  if (provider === "AWS" || provider === "AZURE" || provider === "GCP") return COMPUTE_EVENTS[provider];
  const seen = new Map<string, ComputeEvent>();
  for (const list of Object.values(COMPUTE_EVENTS)) for (const e of list) seen.set(e.event, e);
  return [...seen.values()];
}
