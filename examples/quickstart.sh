npm run emulator -- --port 8443 --env-file .env.emulator --pid-file .emulator.pid --detach   # returns once it answers
set -a; . ./.env.emulator; set +a                                 # endpoints, credentials, CA
npm run pulumi -- stack select --create dev --cwd examples/billing-policy
npm run pulumi -- up --yes --cwd examples/billing-policy
kill "$(cat .emulator.pid)"                                       # stop the emulator
