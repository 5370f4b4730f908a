"""The Open edX Credentials dialect (issue 12): what openedx/credentials serves to edx-platform
(`/api/v2/...`, `/api/credentials/v1/...`), answered by Plaudit's core with DRF's bodies."""
