-- The development identity provider's state (filled in by the identity provider work).
SELECT 1;
