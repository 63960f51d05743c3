# A Spot account connected to AWS, with an existing console user attached to it, in plain Terraform HCL.
#
# Against the local emulator (no Spot account needed; see docs/cdktf.md, "Plain Terraform"):
#   spot-iac emulator --memory --token dev-token --port 8787 &
#   spot-iac terraform install --dir ./mirror --cli-config ./spot.tfrc
#   export TF_CLI_CONFIG_FILE=$PWD/spot.tfrc SPOTINST_TOKEN=dev-token SPOTINST_BASE_URL=http://127.0.0.1:8787
#   terraform init && terraform apply -var existing_user_email=admin@example.com

terraform {
  required_version = ">= 1.11" # write-only secret attributes
  required_providers {
    spot = {
      source = "spot-iac/spot"
    }
  }
}

# token, base_url and account fall back to SPOTINST_TOKEN, SPOTINST_BASE_URL and SPOTINST_ACCOUNT.
provider "spot" {}

variable "account_name" {
  type        = string
  default     = "example-prod"
  description = "Name of the Spot account."
}

variable "iam_role_arn" {
  type        = string
  default     = "arn:aws:iam::123456789012:role/SpotAdminRole"
  description = "The IAM role Spot assumes; its trust policy must require spot_aws_external_id.this.external_id."
}

variable "existing_user_email" {
  type        = string
  description = "E-mail of a console user of the organization to attach to the account."
}

variable "existing_user_role" {
  type        = string
  default     = "viewer"
  description = "Role of that user on the account: viewer or editor."
}

variable "allow_deletion" {
  type        = bool
  default     = false
  description = "Deleting a Spot account cannot be undone: apply true before terraform destroy."
}

data "spot_organization" "current" {}

resource "spot_account" "this" {
  name           = var.account_name
  allow_deletion = var.allow_deletion
}

# Spot issues the external id before the IAM role exists: create the role with it, then the connection.
resource "spot_aws_external_id" "this" {
  account_id = spot_account.this.account_id
}

resource "spot_aws_connection" "this" {
  account_id  = spot_account.this.account_id
  iam_role    = var.iam_role_arn
  external_id = spot_aws_external_id.this.external_id
}

resource "spot_user_attachment" "existing" {
  account_id = spot_account.this.account_id
  user_email = var.existing_user_email
  role       = var.existing_user_role
}

data "spot_accounts" "named" {
  name       = var.account_name
  depends_on = [spot_account.this]
}
