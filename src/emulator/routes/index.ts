import type { RouteDef } from "../context";
import { accountRoutes } from "./accounts";
import { auditRoutes } from "./audit";
import { credentialRoutes } from "./credentials";
import { notificationCenterRoutes } from "./notification-center";
import { organizationRoutes } from "./organizations";
import { policyRoutes } from "./policies";
import { subscriptionRoutes } from "./subscriptions";
import { userGroupRoutes } from "./user-groups";
import { userRoutes } from "./users";

/** Every Spot route the emulator serves, by area. */
export const allRoutes: RouteDef[] = [
  ...organizationRoutes,
  ...accountRoutes,
  ...credentialRoutes,
  ...userRoutes,
  ...userGroupRoutes,
  ...policyRoutes,
  ...notificationCenterRoutes,
  ...subscriptionRoutes,
  ...auditRoutes,
];
