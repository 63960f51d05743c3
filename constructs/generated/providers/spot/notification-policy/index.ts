// https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy
// generated from terraform resource schema

import { Construct } from 'constructs';
import * as cdktf from 'cdktf';

// Configuration

export interface NotificationPolicyConfig extends cdktf.TerraformMetaArguments {
  /**
  * The account (act-…) the policy belongs to. Changing it replaces the policy.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy#account_id NotificationPolicy#account_id}
  */
  readonly accountId: string;
  /**
  * Name of the policy (how spot-iac finds it again within the account). Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy#name NotificationPolicy#name}
  */
  readonly name: string;
  /**
  * What the policy is for. Updated in place; removing it clears it.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy#description NotificationPolicy#description}
  */
  readonly description?: string;
  /**
  * public (visible to the account's users; may have subscriptions) or private (its owner's only). Default public. Spot cannot change it, so a change replaces the policy.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy#privacy_level NotificationPolicy#privacy_level}
  */
  readonly privacyLevel?: string;
  /**
  * Whether the policy sends notifications. Default true. Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy#is_active NotificationPolicy#is_active}
  */
  readonly isActive?: boolean | cdktf.IResolvable;
  /**
  * Where notifications go. Only public policies may have subscriptions. Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy#subscriptions NotificationPolicy#subscriptions}
  */
  readonly subscriptions?: NotificationPolicySubscriptions[] | cdktf.IResolvable;
  /**
  * Organization users registered to the policy and how each is notified. Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy#registered_users NotificationPolicy#registered_users}
  */
  readonly registeredUsers?: NotificationPolicyRegisteredUsers[] | cdktf.IResolvable;
  /**
  * The compute events that trigger a notification. Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy#events NotificationPolicy#events}
  */
  readonly events: NotificationPolicyEvents[] | cdktf.IResolvable;
  /**
  * Resource selector: every resource of the account. Use exactly one selector: this, resource_ids or dynamic_rules. Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy#should_include_all_resources NotificationPolicy#should_include_all_resources}
  */
  readonly shouldIncludeAllResources?: boolean | cdktf.IResolvable;
  /**
  * Resource selector: these resources (sig-…, o-…). Use exactly one selector. Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy#resource_ids NotificationPolicy#resource_ids}
  */
  readonly resourceIds?: string[];
  /**
  * Resource selector: resources matched by these rules. Use exactly one selector. Updated in place.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy#dynamic_rules NotificationPolicy#dynamic_rules}
  */
  readonly dynamicRules?: NotificationPolicyDynamicRules[] | cdktf.IResolvable;
}
export interface NotificationPolicySubscriptions {
  /**
  * email, webhook, slack or sns.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy#type NotificationPolicy#type}
  */
  readonly type: string;
  /**
  * An e-mail address (email), an http(s) URL (webhook, Slack incoming webhook) or an SNS topic ARN (sns); at most 500 characters.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy#endpoint NotificationPolicy#endpoint}
  */
  readonly endpoint: string;
}

export function notificationPolicySubscriptionsToTerraform(struct?: NotificationPolicySubscriptions | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    type: cdktf.stringToTerraform(struct!.type),
    endpoint: cdktf.stringToTerraform(struct!.endpoint),
  }
}


export function notificationPolicySubscriptionsToHclTerraform(struct?: NotificationPolicySubscriptions | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    type: {
      value: cdktf.stringToHclTerraform(struct!.type),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    endpoint: {
      value: cdktf.stringToHclTerraform(struct!.endpoint),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class NotificationPolicySubscriptionsOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): NotificationPolicySubscriptions | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._type !== undefined) {
      hasAnyValues = true;
      internalValueResult.type = this._type;
    }
    if (this._endpoint !== undefined) {
      hasAnyValues = true;
      internalValueResult.endpoint = this._endpoint;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: NotificationPolicySubscriptions | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._type = undefined;
      this._endpoint = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._type = value.type;
      this._endpoint = value.endpoint;
    }
  }

  // type - computed: false, optional: false, required: true
  private _type?: string; 
  public get type() {
    return this.getStringAttribute('type');
  }
  public set type(value: string) {
    this._type = value;
  }
  // Temporarily expose input value. Use with caution.
  public get typeInput() {
    return this._type;
  }

  // endpoint - computed: false, optional: false, required: true
  private _endpoint?: string; 
  public get endpoint() {
    return this.getStringAttribute('endpoint');
  }
  public set endpoint(value: string) {
    this._endpoint = value;
  }
  // Temporarily expose input value. Use with caution.
  public get endpointInput() {
    return this._endpoint;
  }
}

export class NotificationPolicySubscriptionsList extends cdktf.ComplexList {
  public internalValue? : NotificationPolicySubscriptions[] | cdktf.IResolvable

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string, protected wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): NotificationPolicySubscriptionsOutputReference {
    return new NotificationPolicySubscriptionsOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}
export interface NotificationPolicyRegisteredUsers {
  /**
  * E-mail of a user of the organization.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy#user_email NotificationPolicy#user_email}
  */
  readonly userEmail: string;
  /**
  * How the user is notified: email and/or console.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy#subscription_types NotificationPolicy#subscription_types}
  */
  readonly subscriptionTypes: string[];
}

export function notificationPolicyRegisteredUsersToTerraform(struct?: NotificationPolicyRegisteredUsers | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    user_email: cdktf.stringToTerraform(struct!.userEmail),
    subscription_types: cdktf.listMapper(cdktf.stringToTerraform, false)(struct!.subscriptionTypes),
  }
}


export function notificationPolicyRegisteredUsersToHclTerraform(struct?: NotificationPolicyRegisteredUsers | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    user_email: {
      value: cdktf.stringToHclTerraform(struct!.userEmail),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    subscription_types: {
      value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(struct!.subscriptionTypes),
      isBlock: false,
      type: "set",
      storageClassType: "stringList",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class NotificationPolicyRegisteredUsersOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): NotificationPolicyRegisteredUsers | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._userEmail !== undefined) {
      hasAnyValues = true;
      internalValueResult.userEmail = this._userEmail;
    }
    if (this._subscriptionTypes !== undefined) {
      hasAnyValues = true;
      internalValueResult.subscriptionTypes = this._subscriptionTypes;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: NotificationPolicyRegisteredUsers | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._userEmail = undefined;
      this._subscriptionTypes = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._userEmail = value.userEmail;
      this._subscriptionTypes = value.subscriptionTypes;
    }
  }

  // user_email - computed: false, optional: false, required: true
  private _userEmail?: string; 
  public get userEmail() {
    return this.getStringAttribute('user_email');
  }
  public set userEmail(value: string) {
    this._userEmail = value;
  }
  // Temporarily expose input value. Use with caution.
  public get userEmailInput() {
    return this._userEmail;
  }

  // subscription_types - computed: false, optional: false, required: true
  private _subscriptionTypes?: string[]; 
  public get subscriptionTypes() {
    return cdktf.Fn.tolist(this.getListAttribute('subscription_types'));
  }
  public set subscriptionTypes(value: string[]) {
    this._subscriptionTypes = value;
  }
  // Temporarily expose input value. Use with caution.
  public get subscriptionTypesInput() {
    return this._subscriptionTypes;
  }
}

export class NotificationPolicyRegisteredUsersList extends cdktf.ComplexList {
  public internalValue? : NotificationPolicyRegisteredUsers[] | cdktf.IResolvable

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string, protected wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): NotificationPolicyRegisteredUsersOutputReference {
    return new NotificationPolicyRegisteredUsersOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}
export interface NotificationPolicyEvents {
  /**
  * A compute event, e.g. "Maximum capacity reached" (the account's catalogue lists them).
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy#event NotificationPolicy#event}
  */
  readonly event: string;
  /**
  * Severity: INFO, WARN or ERROR.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy#type NotificationPolicy#type}
  */
  readonly type: string;
}

export function notificationPolicyEventsToTerraform(struct?: NotificationPolicyEvents | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    event: cdktf.stringToTerraform(struct!.event),
    type: cdktf.stringToTerraform(struct!.type),
  }
}


export function notificationPolicyEventsToHclTerraform(struct?: NotificationPolicyEvents | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    event: {
      value: cdktf.stringToHclTerraform(struct!.event),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    type: {
      value: cdktf.stringToHclTerraform(struct!.type),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class NotificationPolicyEventsOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): NotificationPolicyEvents | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._event !== undefined) {
      hasAnyValues = true;
      internalValueResult.event = this._event;
    }
    if (this._type !== undefined) {
      hasAnyValues = true;
      internalValueResult.type = this._type;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: NotificationPolicyEvents | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._event = undefined;
      this._type = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._event = value.event;
      this._type = value.type;
    }
  }

  // event - computed: false, optional: false, required: true
  private _event?: string; 
  public get event() {
    return this.getStringAttribute('event');
  }
  public set event(value: string) {
    this._event = value;
  }
  // Temporarily expose input value. Use with caution.
  public get eventInput() {
    return this._event;
  }

  // type - computed: false, optional: false, required: true
  private _type?: string; 
  public get type() {
    return this.getStringAttribute('type');
  }
  public set type(value: string) {
    this._type = value;
  }
  // Temporarily expose input value. Use with caution.
  public get typeInput() {
    return this._type;
  }
}

export class NotificationPolicyEventsList extends cdktf.ComplexList {
  public internalValue? : NotificationPolicyEvents[] | cdktf.IResolvable

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string, protected wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): NotificationPolicyEventsOutputReference {
    return new NotificationPolicyEventsOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}
export interface NotificationPolicyDynamicRulesFilterConditions {
  /**
  * What to match: resource_name, resource_id, region, image, tag, load_balancer, availability_zones, security_groups.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy#identifier NotificationPolicy#identifier}
  */
  readonly identifier: string;
  /**
  * How to match: equals, not_equals, contains, not_contains, start_with, end_with.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy#operator NotificationPolicy#operator}
  */
  readonly operator: string;
  /**
  * The value to match.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy#expression NotificationPolicy#expression}
  */
  readonly expression: string;
}

export function notificationPolicyDynamicRulesFilterConditionsToTerraform(struct?: NotificationPolicyDynamicRulesFilterConditions | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    identifier: cdktf.stringToTerraform(struct!.identifier),
    operator: cdktf.stringToTerraform(struct!.operator),
    expression: cdktf.stringToTerraform(struct!.expression),
  }
}


export function notificationPolicyDynamicRulesFilterConditionsToHclTerraform(struct?: NotificationPolicyDynamicRulesFilterConditions | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    identifier: {
      value: cdktf.stringToHclTerraform(struct!.identifier),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    operator: {
      value: cdktf.stringToHclTerraform(struct!.operator),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    expression: {
      value: cdktf.stringToHclTerraform(struct!.expression),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class NotificationPolicyDynamicRulesFilterConditionsOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): NotificationPolicyDynamicRulesFilterConditions | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._identifier !== undefined) {
      hasAnyValues = true;
      internalValueResult.identifier = this._identifier;
    }
    if (this._operator !== undefined) {
      hasAnyValues = true;
      internalValueResult.operator = this._operator;
    }
    if (this._expression !== undefined) {
      hasAnyValues = true;
      internalValueResult.expression = this._expression;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: NotificationPolicyDynamicRulesFilterConditions | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._identifier = undefined;
      this._operator = undefined;
      this._expression = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._identifier = value.identifier;
      this._operator = value.operator;
      this._expression = value.expression;
    }
  }

  // identifier - computed: false, optional: false, required: true
  private _identifier?: string; 
  public get identifier() {
    return this.getStringAttribute('identifier');
  }
  public set identifier(value: string) {
    this._identifier = value;
  }
  // Temporarily expose input value. Use with caution.
  public get identifierInput() {
    return this._identifier;
  }

  // operator - computed: false, optional: false, required: true
  private _operator?: string; 
  public get operator() {
    return this.getStringAttribute('operator');
  }
  public set operator(value: string) {
    this._operator = value;
  }
  // Temporarily expose input value. Use with caution.
  public get operatorInput() {
    return this._operator;
  }

  // expression - computed: false, optional: false, required: true
  private _expression?: string; 
  public get expression() {
    return this.getStringAttribute('expression');
  }
  public set expression(value: string) {
    this._expression = value;
  }
  // Temporarily expose input value. Use with caution.
  public get expressionInput() {
    return this._expression;
  }
}

export class NotificationPolicyDynamicRulesFilterConditionsList extends cdktf.ComplexList {
  public internalValue? : NotificationPolicyDynamicRulesFilterConditions[] | cdktf.IResolvable

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string, protected wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): NotificationPolicyDynamicRulesFilterConditionsOutputReference {
    return new NotificationPolicyDynamicRulesFilterConditionsOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}
export interface NotificationPolicyDynamicRules {
  /**
  * Conditions of the rule.
  *
  * Docs at Terraform Registry: {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy#filter_conditions NotificationPolicy#filter_conditions}
  */
  readonly filterConditions: NotificationPolicyDynamicRulesFilterConditions[] | cdktf.IResolvable;
}

export function notificationPolicyDynamicRulesToTerraform(struct?: NotificationPolicyDynamicRules | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  return {
    filter_conditions: cdktf.listMapper(notificationPolicyDynamicRulesFilterConditionsToTerraform, false)(struct!.filterConditions),
  }
}


export function notificationPolicyDynamicRulesToHclTerraform(struct?: NotificationPolicyDynamicRules | cdktf.IResolvable): any {
  if (!cdktf.canInspect(struct) || cdktf.Tokenization.isResolvable(struct)) { return struct; }
  if (cdktf.isComplexElement(struct)) {
    throw new Error("A complex element was used as configuration, this is not supported: https://cdk.tf/complex-object-as-configuration");
  }
  const attrs = {
    filter_conditions: {
      value: cdktf.listMapperHcl(notificationPolicyDynamicRulesFilterConditionsToHclTerraform, false)(struct!.filterConditions),
      isBlock: true,
      type: "list",
      storageClassType: "NotificationPolicyDynamicRulesFilterConditionsList",
    },
  };

  // remove undefined attributes
  return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined));
}

export class NotificationPolicyDynamicRulesOutputReference extends cdktf.ComplexObject {
  private isEmptyObject = false;
  private resolvableValue?: cdktf.IResolvable;

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param complexObjectIndex the index of this item in the list
  * @param complexObjectIsFromSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  public constructor(terraformResource: cdktf.IInterpolatingParent, terraformAttribute: string, complexObjectIndex: number, complexObjectIsFromSet: boolean) {
    super(terraformResource, terraformAttribute, complexObjectIsFromSet, complexObjectIndex);
  }

  public get internalValue(): NotificationPolicyDynamicRules | cdktf.IResolvable | undefined {
    if (this.resolvableValue) {
      return this.resolvableValue;
    }
    let hasAnyValues = this.isEmptyObject;
    const internalValueResult: any = {};
    if (this._filterConditions?.internalValue !== undefined) {
      hasAnyValues = true;
      internalValueResult.filterConditions = this._filterConditions?.internalValue;
    }
    return hasAnyValues ? internalValueResult : undefined;
  }

  public set internalValue(value: NotificationPolicyDynamicRules | cdktf.IResolvable | undefined) {
    if (value === undefined) {
      this.isEmptyObject = false;
      this.resolvableValue = undefined;
      this._filterConditions.internalValue = undefined;
    }
    else if (cdktf.Tokenization.isResolvable(value)) {
      this.isEmptyObject = false;
      this.resolvableValue = value;
    }
    else {
      this.isEmptyObject = Object.keys(value).length === 0;
      this.resolvableValue = undefined;
      this._filterConditions.internalValue = value.filterConditions;
    }
  }

  // filter_conditions - computed: false, optional: false, required: true
  private _filterConditions = new NotificationPolicyDynamicRulesFilterConditionsList(this, "filter_conditions", false);
  public get filterConditions() {
    return this._filterConditions;
  }
  public putFilterConditions(value: NotificationPolicyDynamicRulesFilterConditions[] | cdktf.IResolvable) {
    this._filterConditions.internalValue = value;
  }
  // Temporarily expose input value. Use with caution.
  public get filterConditionsInput() {
    return this._filterConditions.internalValue;
  }
}

export class NotificationPolicyDynamicRulesList extends cdktf.ComplexList {
  public internalValue? : NotificationPolicyDynamicRules[] | cdktf.IResolvable

  /**
  * @param terraformResource The parent resource
  * @param terraformAttribute The attribute on the parent resource this class is referencing
  * @param wrapsSet whether the list is wrapping a set (will add tolist() to be able to access an item via an index)
  */
  constructor(protected terraformResource: cdktf.IInterpolatingParent, protected terraformAttribute: string, protected wrapsSet: boolean) {
    super(terraformResource, terraformAttribute, wrapsSet)
  }

  /**
  * @param index the index of the item to return
  */
  public get(index: number): NotificationPolicyDynamicRulesOutputReference {
    return new NotificationPolicyDynamicRulesOutputReference(this.terraformResource, this.terraformAttribute, index, this.wrapsSet);
  }
}

/**
* Represents a {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy spot_notification_policy}
*/
export class NotificationPolicy extends cdktf.TerraformResource {

  // =================
  // STATIC PROPERTIES
  // =================
  public static readonly tfResourceType = "spot_notification_policy";

  // ==============
  // STATIC Methods
  // ==============
  /**
  * Generates CDKTF code for importing a NotificationPolicy resource upon running "cdktf plan <stack-name>"
  * @param scope The scope in which to define this construct
  * @param importToId The construct id used in the generated config for the NotificationPolicy to import
  * @param importFromId The id of the existing NotificationPolicy that should be imported. Refer to the {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy#import import section} in the documentation of this resource for the id to use
  * @param provider? Optional instance of the provider where the NotificationPolicy to import is found
  */
  public static generateConfigForImport(scope: Construct, importToId: string, importFromId: string, provider?: cdktf.TerraformProvider) {
        return new cdktf.ImportableResource(scope, importToId, { terraformResourceType: "spot_notification_policy", importId: importFromId, provider });
      }

  // ===========
  // INITIALIZER
  // ===========

  /**
  * Create a new {@link https://registry.terraform.io/providers/spot-iac/spot/latest/docs/resources/notification_policy spot_notification_policy} Resource
  *
  * @param scope The scope in which to define this construct
  * @param id The scoped construct ID. Must be unique amongst siblings in the same scope
  * @param options NotificationPolicyConfig
  */
  public constructor(scope: Construct, id: string, config: NotificationPolicyConfig) {
    super(scope, id, {
      terraformResourceType: 'spot_notification_policy',
      terraformGeneratorMetadata: {
        providerName: 'spot'
      },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach
    });
    this._accountId = config.accountId;
    this._name = config.name;
    this._description = config.description;
    this._privacyLevel = config.privacyLevel;
    this._isActive = config.isActive;
    this._subscriptions.internalValue = config.subscriptions;
    this._registeredUsers.internalValue = config.registeredUsers;
    this._events.internalValue = config.events;
    this._shouldIncludeAllResources = config.shouldIncludeAllResources;
    this._resourceIds = config.resourceIds;
    this._dynamicRules.internalValue = config.dynamicRules;
  }

  // ==========
  // ATTRIBUTES
  // ==========

  // id - computed: true, optional: false, required: false
  public get id() {
    return this.getStringAttribute('id');
  }

  // account_id - computed: false, optional: false, required: true
  private _accountId?: string; 
  public get accountId() {
    return this.getStringAttribute('account_id');
  }
  public set accountId(value: string) {
    this._accountId = value;
  }
  // Temporarily expose input value. Use with caution.
  public get accountIdInput() {
    return this._accountId;
  }

  // name - computed: false, optional: false, required: true
  private _name?: string; 
  public get name() {
    return this.getStringAttribute('name');
  }
  public set name(value: string) {
    this._name = value;
  }
  // Temporarily expose input value. Use with caution.
  public get nameInput() {
    return this._name;
  }

  // description - computed: false, optional: true, required: false
  private _description?: string; 
  public get description() {
    return this.getStringAttribute('description');
  }
  public set description(value: string) {
    this._description = value;
  }
  public resetDescription() {
    this._description = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get descriptionInput() {
    return this._description;
  }

  // privacy_level - computed: true, optional: true, required: false
  private _privacyLevel?: string; 
  public get privacyLevel() {
    return this.getStringAttribute('privacy_level');
  }
  public set privacyLevel(value: string) {
    this._privacyLevel = value;
  }
  public resetPrivacyLevel() {
    this._privacyLevel = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get privacyLevelInput() {
    return this._privacyLevel;
  }

  // is_active - computed: true, optional: true, required: false
  private _isActive?: boolean | cdktf.IResolvable; 
  public get isActive() {
    return this.getBooleanAttribute('is_active');
  }
  public set isActive(value: boolean | cdktf.IResolvable) {
    this._isActive = value;
  }
  public resetIsActive() {
    this._isActive = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get isActiveInput() {
    return this._isActive;
  }

  // subscriptions - computed: false, optional: true, required: false
  private _subscriptions = new NotificationPolicySubscriptionsList(this, "subscriptions", true);
  public get subscriptions() {
    return this._subscriptions;
  }
  public putSubscriptions(value: NotificationPolicySubscriptions[] | cdktf.IResolvable) {
    this._subscriptions.internalValue = value;
  }
  public resetSubscriptions() {
    this._subscriptions.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get subscriptionsInput() {
    return this._subscriptions.internalValue;
  }

  // registered_users - computed: false, optional: true, required: false
  private _registeredUsers = new NotificationPolicyRegisteredUsersList(this, "registered_users", true);
  public get registeredUsers() {
    return this._registeredUsers;
  }
  public putRegisteredUsers(value: NotificationPolicyRegisteredUsers[] | cdktf.IResolvable) {
    this._registeredUsers.internalValue = value;
  }
  public resetRegisteredUsers() {
    this._registeredUsers.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get registeredUsersInput() {
    return this._registeredUsers.internalValue;
  }

  // events - computed: false, optional: false, required: true
  private _events = new NotificationPolicyEventsList(this, "events", true);
  public get events() {
    return this._events;
  }
  public putEvents(value: NotificationPolicyEvents[] | cdktf.IResolvable) {
    this._events.internalValue = value;
  }
  // Temporarily expose input value. Use with caution.
  public get eventsInput() {
    return this._events.internalValue;
  }

  // should_include_all_resources - computed: true, optional: true, required: false
  private _shouldIncludeAllResources?: boolean | cdktf.IResolvable; 
  public get shouldIncludeAllResources() {
    return this.getBooleanAttribute('should_include_all_resources');
  }
  public set shouldIncludeAllResources(value: boolean | cdktf.IResolvable) {
    this._shouldIncludeAllResources = value;
  }
  public resetShouldIncludeAllResources() {
    this._shouldIncludeAllResources = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get shouldIncludeAllResourcesInput() {
    return this._shouldIncludeAllResources;
  }

  // resource_ids - computed: false, optional: true, required: false
  private _resourceIds?: string[]; 
  public get resourceIds() {
    return cdktf.Fn.tolist(this.getListAttribute('resource_ids'));
  }
  public set resourceIds(value: string[]) {
    this._resourceIds = value;
  }
  public resetResourceIds() {
    this._resourceIds = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get resourceIdsInput() {
    return this._resourceIds;
  }

  // dynamic_rules - computed: false, optional: true, required: false
  private _dynamicRules = new NotificationPolicyDynamicRulesList(this, "dynamic_rules", false);
  public get dynamicRules() {
    return this._dynamicRules;
  }
  public putDynamicRules(value: NotificationPolicyDynamicRules[] | cdktf.IResolvable) {
    this._dynamicRules.internalValue = value;
  }
  public resetDynamicRules() {
    this._dynamicRules.internalValue = undefined;
  }
  // Temporarily expose input value. Use with caution.
  public get dynamicRulesInput() {
    return this._dynamicRules.internalValue;
  }

  // policy_id - computed: true, optional: false, required: false
  public get policyId() {
    return this.getStringAttribute('policy_id');
  }

  // owner - computed: true, optional: false, required: false
  public get owner() {
    return this.getStringAttribute('owner');
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      account_id: cdktf.stringToTerraform(this._accountId),
      name: cdktf.stringToTerraform(this._name),
      description: cdktf.stringToTerraform(this._description),
      privacy_level: cdktf.stringToTerraform(this._privacyLevel),
      is_active: cdktf.booleanToTerraform(this._isActive),
      subscriptions: cdktf.listMapper(notificationPolicySubscriptionsToTerraform, false)(this._subscriptions.internalValue),
      registered_users: cdktf.listMapper(notificationPolicyRegisteredUsersToTerraform, false)(this._registeredUsers.internalValue),
      events: cdktf.listMapper(notificationPolicyEventsToTerraform, false)(this._events.internalValue),
      should_include_all_resources: cdktf.booleanToTerraform(this._shouldIncludeAllResources),
      resource_ids: cdktf.listMapper(cdktf.stringToTerraform, false)(this._resourceIds),
      dynamic_rules: cdktf.listMapper(notificationPolicyDynamicRulesToTerraform, false)(this._dynamicRules.internalValue),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      account_id: {
        value: cdktf.stringToHclTerraform(this._accountId),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      name: {
        value: cdktf.stringToHclTerraform(this._name),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      description: {
        value: cdktf.stringToHclTerraform(this._description),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      privacy_level: {
        value: cdktf.stringToHclTerraform(this._privacyLevel),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      is_active: {
        value: cdktf.booleanToHclTerraform(this._isActive),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      subscriptions: {
        value: cdktf.listMapperHcl(notificationPolicySubscriptionsToHclTerraform, false)(this._subscriptions.internalValue),
        isBlock: true,
        type: "set",
        storageClassType: "NotificationPolicySubscriptionsList",
      },
      registered_users: {
        value: cdktf.listMapperHcl(notificationPolicyRegisteredUsersToHclTerraform, false)(this._registeredUsers.internalValue),
        isBlock: true,
        type: "set",
        storageClassType: "NotificationPolicyRegisteredUsersList",
      },
      events: {
        value: cdktf.listMapperHcl(notificationPolicyEventsToHclTerraform, false)(this._events.internalValue),
        isBlock: true,
        type: "set",
        storageClassType: "NotificationPolicyEventsList",
      },
      should_include_all_resources: {
        value: cdktf.booleanToHclTerraform(this._shouldIncludeAllResources),
        isBlock: false,
        type: "simple",
        storageClassType: "boolean",
      },
      resource_ids: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._resourceIds),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      dynamic_rules: {
        value: cdktf.listMapperHcl(notificationPolicyDynamicRulesToHclTerraform, false)(this._dynamicRules.internalValue),
        isBlock: true,
        type: "list",
        storageClassType: "NotificationPolicyDynamicRulesList",
      },
    };

    // remove undefined attributes
    return Object.fromEntries(Object.entries(attrs).filter(([_, value]) => value !== undefined && value.value !== undefined ))
  }
}
