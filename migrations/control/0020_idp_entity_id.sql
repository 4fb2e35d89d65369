-- A SPID/CIE provider added by its OpenID Federation entity identifier:
-- its metadata comes from its verified trust chain (docs/federation.md)
-- instead of discovery. '' for a provider configured by issuer. Expand
-- only: binaries that predate it ignore the column.
ALTER TABLE piazza.tenant_idps
    ADD COLUMN entity_id text NOT NULL DEFAULT '';
