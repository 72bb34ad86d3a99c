"""The public verifier: a web page at /verify/ and the VC-API endpoint POST /credentials/verify."""
