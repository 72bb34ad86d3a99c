"""Small pieces every platform app shares: the app error base, settings helpers, ids."""
