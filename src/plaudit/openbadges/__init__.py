"""Open Badges 3.0 and 2.0, keys, DIDs, status lists, signing and verification.

The contract between areas (names other modules import), as agreed, plus what the signing side
added:

- keys.py: `ensure_key(session, organization, secret)` (the newest key row, made if none),
  `active_key(...)` / `unlock(row, organization, secret)` -> ActiveKey (decrypted private key),
  `published_keys(session, organization_id)` (newest first), `rotate(...)`, `multikey(row)`,
  `public_key(row)`.
- did.py: `did_web(base_url, uuid)`, `did_key(multibase)`, `issuer_did(base_url, org, key_row)`,
  `verification_method(issuer, key_row)`, `did_web_document(...)`, `did_key_document(did)`,
  `resolve_did(session, base_url, did) -> {kid: Ed25519PublicKey}` (raises DidNotResolvable);
  our DIDs resolve under every base URL they were recorded under (issuer_dids.py: `record`).
- ob3.py: `build_credential(credential, Issuer(did, organization), base_url=, salt=, status=)`,
  and the helpers `recipient_salt`, `identity_hash`, `timestamp`, `url`, `text`.
- canonical.py: `canonize(document, *, safe=False, loader=None) -> str` (RDFC-1.0 N-Quads).
- data_integrity.py: `add_proof(doc, private_key, verification_method)` (change: it writes
  `proof` as a one-element array, which the 1EdTech schema requires; read it with
  `proof_of(doc)`), `verify_proof(doc, public_key)` (raises `ProofInvalid(reason)`; every
  proof of a set must hold), `proofs_of(doc)`, `signed_inputs(doc)` (what each proof signs,
  before any key is known: see verify.py's `examine`).
- vc_jwt.py: `sign_jwt(doc, private_key, kid)`, `verify_jwt(token, public_key) -> payload`
  (raises ProofInvalid), `header_of(token)` (unverified, to find the `kid`).
- status_list.py: `encode_list`, `decode_list`, `bit`, `allocate`, `draw_places`,
  `insert_free`, `set_bit`, `entry_of`,
  `revocation(session, credential_id) -> (is_set, reason)`; reasons DELETED/REVOKED/EXPIRED.
  Revocation only: the domain has no suspension (see the module's docstring).
- contexts/: `document_loader` (offline pyld loader), `OfflineLoader(extra)`.

Services built on them: services/signing.py (`Signer(base_url, secret)`, `current`, `sign`,
`signed_row`), services/issuance.py (`prepare`, `write`: issuing, signed),
services/status_lists.py (`find`, `find_by_url`, `current`, `sign`, `signed_list_for_url`),
services/credential_status.py (`deleted`, `revoked`, `expiry_changed`).
"""
