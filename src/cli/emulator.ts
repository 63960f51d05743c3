import type { Command } from "commander";

// Placeholder: the owning area replaces this module with its real subcommands.
export function register(_program: Command): void {}
