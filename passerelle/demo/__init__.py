"""The bundled demo: sample interactions and the policy that handles them."""
