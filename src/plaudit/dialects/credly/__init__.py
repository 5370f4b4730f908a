"""The Credly (Acclaim) Web Service API v1 dialect: `/v1/organizations/{organization_id}/...`."""
