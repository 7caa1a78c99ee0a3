"""The offline reviewer's rule engine: rule packs (data) and the generic checks that run them."""
