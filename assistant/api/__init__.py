"""safeguide for other programs: the shared tool functions, the JSON HTTP API and the MCP tools."""
