"""The import flow: read + match + ledger, upload preview, review decisions, staging."""
