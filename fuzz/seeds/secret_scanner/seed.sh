#!/usr/bin/env bash
# Copies the anonymised sample shipments into the staging storage account so that the
# smoke tests have labels to render. Needs azcopy v10 and `azcopy login --identity` (or az login).
set -euo pipefail

SAMPLES_URL="https://sttidewaterseed.blob.core.windows.net/fixtures?sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2026-06-30T17:00:00Z&st=2025-01-06T09:00:00Z&spr=https&sig=Pi7Kw5%2F9eWue8vxqwaUmN8X0oUBz3YKRdOIyXZt%2B%2Fm8%3D"
TARGET_ACCOUNT="${STORAGE_ACCOUNT_NAME:-sttidewaterstg}"
TARGET_URL="https://${TARGET_ACCOUNT}.blob.core.windows.net/labels/queue"

echo "Seeding ${TARGET_URL} from the sample fixtures..."
azcopy copy "${SAMPLES_URL}" "${TARGET_URL}" --recursive --overwrite=ifSourceNewer
echo "Done."
