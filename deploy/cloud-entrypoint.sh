#!/bin/sh
# Entry point of the cloud image: the API server, a scheduled job, or the database backup.
#   serve            the API (infra/k8s/api-server.yaml, docker-compose.yml)
#   job NAME         one run of a job (cloud/src/jobs/run-job.ts: archive-data, execute-schedules,
#                    import-firmware-releases;
#                    the CronJobs); it prints one JSON line of counts
#   backup           scripts/backup/pg-backup.sh (the postgres-backup CronJob)
set -eu
cd /app/cloud
# In a container the API must listen on every interface; main.ts alone defaults to loopback.
if [ -z "${HOST:-}" ] && [ -z "${API_HOST:-}" ]; then export HOST=0.0.0.0; fi
case "${1:-serve}" in
  serve) exec node --import tsx src/main.ts ;;
  job)
    name=${2:?job needs a name}
    case $name in *[!a-z0-9-]*) echo "bad job name: $name" >&2; exit 2 ;; esac
    exec node --import tsx src/jobs/run-job.ts "$name" ;;
  backup) exec /app/scripts/backup/pg-backup.sh ;;
  *) echo "unknown command: $1 (serve | job NAME | backup)" >&2; exit 2 ;;
esac
