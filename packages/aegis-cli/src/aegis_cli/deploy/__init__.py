"""`aegis deploy-*`: config, the SSH transport, the scripts run on the server, the steps."""
