"""The scripting CLI (`pith <command> --json`): commands and their JSON shapes."""
