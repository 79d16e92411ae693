"""The trust platform's microservice chassis: mechanics only, no business rules."""
