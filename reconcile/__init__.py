"""reconcile: compare records with the electronic registry and the population database; campaign reports."""
