output "organization_id" {
  value = data.spot_organization.current.organization_id
}

output "account_id" {
  value = spot_account.this.account_id
}

output "aws_external_id" {
  description = "Require this as sts:ExternalId in the IAM role's trust policy."
  value       = spot_aws_external_id.this.external_id
}

output "accounts_with_this_name" {
  value = data.spot_accounts.named.account_ids
}
