"""The learner's wallet: credentials imported (and later issued here), collections, a
public profile, export and account deletion."""
