//! The knowledge base itself: one entry per AADSTS code credgate can explain.
//!
//! Kept apart from the lookup and rendering code so that adding or correcting a code is a data
//! change only. Entries are sorted by code (a unit test enforces it) so a reader finds a code the
//! way `credgate explain` does.
//!
//! Where a code is not in the dry-run status list of docs/design.md, the comment above its entry says
//! why it maps to the status it does.

use super::AadstsCode;

const REFERENCE: &str = "https://learn.microsoft.com/entra/identity-platform/reference-error-codes";
const CLIENT_CREDENTIALS: &str =
    "https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow";
const ADD_CREDENTIALS: &str =
    "https://learn.microsoft.com/entra/identity-platform/how-to-add-credentials";
const CERTIFICATE_CREDENTIALS: &str =
    "https://learn.microsoft.com/entra/identity-platform/certificate-credentials";
const FEDERATION_TRUST: &str =
    "https://learn.microsoft.com/entra/workload-id/workload-identity-federation-create-trust";
const FIND_TENANT: &str = "https://learn.microsoft.com/entra/fundamentals/how-to-find-tenant";

/// Every code `credgate explain` knows, sorted by code.
pub static CODES: &[AadstsCode] = &[
    // Not a dry-run status of its own: a client-credentials request carries no redirect URI, so
    // this only reaches credgate from the app's interactive sign-in. It is a mismatch between the
    // client's configuration and its registration, hence the client-error bucket
    // `invalid_client` ("70002 and other client errors" in docs/design.md).
    AadstsCode {
        code: 50011,
        name: "InvalidReplyTo",
        status: "invalid_client",
        http_status: 400,
        meaning: "The redirect URI sent with an interactive sign-in or a code redemption is not \
                  one of the reply URLs registered on the app. Client-credentials requests carry \
                  no redirect URI, so this comes from the application's user sign-in, not from \
                  the deploy's service principal login.",
        culprit: "The redirect URI: an environment's host missing from the registration, http \
                  instead of https, a trailing slash, a different port or callback path, or \
                  another environment's host left in the config.",
        steps: &[
            "Read the redirect URI in the error message (it shows the value that was sent) and \
             compare it character by character with App registrations > <app> > \
             Authentication > Platform configurations.",
            "Register the exact URI for every environment, or correct the config. Note that \
             `az ad app update --id <client-id> --web-redirect-uris <uri> <uri>` replaces the \
             whole list, so pass the existing URIs too.",
            "Behind a TLS-terminating proxy or load balancer, check the app honours forwarded \
             headers; otherwise it builds `http://` URIs that the registration does not list.",
            "Run `credgate scan`: its `redirect-uri-mismatch` rule flags production redirect URIs \
             that point at localhost or at another environment's host.",
        ],
        doc_url: "https://learn.microsoft.com/entra/identity-platform/how-to-add-redirect-uri",
    },
    // Not in the dry-run status list. No tenant could be determined at all, so nothing could be
    // looked up: the tenant bucket `tenant_not_found` is where the fix lies (name the tenant).
    AadstsCode {
        code: 50059,
        name: "MissingTenantRealmAndNoUserInformationProvided",
        status: "tenant_not_found",
        http_status: 400,
        meaning: "Entra could not tell which tenant the request is for: the authority URL names \
                  none that it can use. An app-only request carries no signed-in user whose home \
                  tenant could stand in for it.",
        culprit: "The tenant id or authority: an empty tenant variable, an authority ending in \
                  `/common` or `/organizations` for a client-credentials request, or a template \
                  that dropped the tenant segment from the URL.",
        steps: &[
            "Look at the token URL the failing code builds: it must read \
             `https://login.microsoftonline.com/<tenant-id>/oauth2/v2.0/token` with a real \
             tenant in the middle.",
            "Set the tenant to the Directory (tenant) ID GUID from the app's Overview blade, or \
             a verified domain of that tenant; app-only requests cannot use `common` or \
             `organizations`.",
            "Check that the variable holding the tenant is defined for this environment: a \
             missing GitHub secret becomes an empty string. credgate's `missing-credential` rule \
             reports an environment that lacks the tenant id the others have.",
        ],
        doc_url: FIND_TENANT,
    },
    // Microsoft's reference gives no error name for 50194; the name is Entra's own error
    // message, shortened, so it matches what users find in their logs. The fix is the
    // authority's tenant segment, but no tenant went missing (`common` is not a tenant), so
    // `tenant_not_found` would mislead: the client is refused on this endpoint, a client error,
    // hence `invalid_client`.
    AadstsCode {
        code: 50194,
        name: "Application is not configured as a multi-tenant application",
        status: "invalid_client",
        http_status: 400,
        meaning: "The request went to the shared `/common` authority, but the app is registered \
                  for its own tenant only. A single-tenant app has to name its tenant in the \
                  authority URL.",
        culprit: "The authority or tenant id: `common`, or an empty tenant that a library or \
                  template replaced with `common`, where the app's tenant GUID belongs.",
        steps: &[
            "Set the authority to `https://login.microsoftonline.com/<tenant-id>` with the \
             Directory (tenant) ID shown on the app's Overview blade.",
            "Find where the empty tenant came from: some libraries and templates default to \
             `common` when no tenant is given. credgate's `missing-credential` rule reports an \
             environment that lacks the tenant id the others have.",
            "Only if the app really must serve several tenants, change Supported account types \
             to multitenant (`az ad app update --id <client-id> --sign-in-audience \
             AzureADMultipleOrgs`) and create its service principal in each tenant.",
        ],
        doc_url: "https://learn.microsoft.com/entra/identity-platform/howto-convert-app-to-be-multi-tenant",
    },
    AadstsCode {
        code: 53003,
        name: "BlockedByConditionalAccess",
        status: "blocked_by_policy",
        http_status: 400,
        meaning: "The credentials were accepted, but a Conditional Access policy stopped Entra \
                  from issuing the token. For a service principal this is normally a policy for \
                  workload identities that limits where, or at what risk, it may sign in.",
        culprit: "Conditional Access rather than a configured value: usually a location-based \
                  policy whose named locations do not include the CI runner's outbound IP \
                  address.",
        steps: &[
            "Open Entra admin center > Monitoring & health > Sign-in logs > Service principal \
             sign-ins, find the failed attempt (filter on the client id or the correlation id \
             credgate reports) and read its Conditional Access tab to see which policy blocked \
             it.",
            "Compare the sign-in's IP address with the locations the policy allows. Hosted CI \
             runners change addresses, so a location policy needs self-hosted runners with a \
             fixed egress address or an agreed exclusion.",
            "Agree the change with the policy owner: exclude this workload identity or adjust \
             the policy. Do not work around it by borrowing another app's credentials.",
            "Remember the credential itself is valid: a committed secret that hits this block \
             still works from an allowed location, so rotate it all the same.",
        ],
        doc_url: "https://learn.microsoft.com/entra/identity/conditional-access/workload-identity",
    },
    // Missing consent means the permission behind the requested scope cannot be granted. The fix
    // lives on API permissions, next to the scope, so `invalid_scope` is the closest status.
    AadstsCode {
        code: 65001,
        name: "DelegationDoesNotExist",
        status: "invalid_scope",
        http_status: 400,
        meaning: "Entra has no record of consent for this app to use the permissions the request \
                  needs in this tenant. It is typical of delegated and on-behalf-of flows; for \
                  app-only access, missing consent more often shows up later as a token without \
                  the expected roles.",
        culprit: "Admin consent or the requested scope: permissions added to the registration but \
                  never granted, consent given in a different tenant, or a scope asking for \
                  permissions the registration does not list.",
        steps: &[
            "Open App registrations > <app> > API permissions and check that the Status column \
             says Granted for every permission the workload uses.",
            "Grant consent as an administrator with Grant admin consent for <tenant>, or run \
             `az ad app permission admin-consent --id <client-id>`.",
            "Make sure consent was given in the tenant the token is requested from: a \
             multi-tenant app needs consent in each tenant it works in.",
            "Request only what the registration lists (`az ad app permission list --id \
             <client-id>`). credgate's `dry-run-missing-role` rule reports app roles that a \
             token lacks.",
        ],
        doc_url: "https://learn.microsoft.com/entra/identity/enterprise-apps/grant-admin-consent",
    },
    // Not in the dry-run status list. Microsoft's reference describes UnauthorizedClient as "the
    // application is disabled", and its troubleshooting article for the code covers an app that
    // cannot be found in the directory; the reference wording decides: `app_disabled`.
    AadstsCode {
        code: 70001,
        name: "UnauthorizedClient",
        status: "app_disabled",
        http_status: 400,
        meaning: "Entra refuses to issue tokens to this client in this tenant. Microsoft's \
                  reference gives a disabled application as the reason; older endpoints return \
                  the same code when the application cannot be found in the directory the \
                  request went to.",
        culprit: "The app's state or the tenant: sign-in disabled on the enterprise application, \
                  the registration deleted, or a client id used against a tenant that has no \
                  such app (another environment's tenant, a test tenant).",
        steps: &[
            "Open Enterprise applications, search for the client id, and check Properties > \
             Enabled for users to sign-in? is Yes; `az ad sp show --id <client-id> --query \
             accountEnabled` says the same.",
            "If the app cannot be found, compare the tenant in the authority with the tenant \
             the app was registered in: credgate's `tenant-id-mismatch` and \
             `cross-env-client-id` rules catch one environment wired to another's tenant or \
             app.",
            "A deleted registration can be restored for 30 days from App registrations > \
             Deleted applications; after that, register a new app and update every \
             environment that used the old client id.",
            "Rerun `credgate dry-run` for the environment to confirm the token is issued.",
        ],
        doc_url: REFERENCE,
    },
    AadstsCode {
        code: 70002,
        name: "InvalidClient",
        status: "invalid_client",
        http_status: 401,
        meaning: "Entra could not authenticate the client with the credential it sent. This is \
                  the general form of a client credential failure, used when no more specific \
                  code applies: the secret or assertion does not belong to this client, or the \
                  client cannot use that kind of credential.",
        culprit: "The client secret paired with the client id: a secret of another app or \
                  environment, a value left over from before a rotation, or one altered on its \
                  way into the pipeline.",
        steps: &[
            "Check that client id and secret come from the same registration: `az ad app \
             credential list --id <client-id>` must show a `hint` equal to the first 3 \
             characters credgate prints for the configured secret.",
            "Check the environment is not using another environment's values: credgate's \
             `cross-env-client-id`, `secret-reuse` and `cross-env-secret-reference` findings \
             point at the file and line.",
            "Look for damage in transit: trailing spaces or newlines, surrounding quotes, or \
             characters such as `~` or `+` mangled by shell or URL escaping. The secret must be \
             form-encoded exactly once in the token request.",
            "Confirm the secret has not expired (its end date is in the same credential list); \
             an expired secret normally gives AADSTS7000222 instead.",
            "For a multi-tenant app used in another tenant, request the token from a tenant \
             where the app has a service principal, with a secret from the app's own \
             registration.",
            "If nothing matches, create a new secret, store its value once in the vault or \
             pipeline secret, and rerun `credgate dry-run`.",
        ],
        doc_url: CLIENT_CREDENTIALS,
    },
    AadstsCode {
        code: 70011,
        name: "InvalidScope",
        status: "invalid_scope",
        http_status: 400,
        meaning: "The scope in the token request does not name a resource or permission Entra \
                  can issue a token for. In an app-only (client credentials) request the scope \
                  must be exactly one resource followed by `/.default`.",
        culprit: "The scope: a typo in the resource's App ID URI, a delegated permission such as \
                  `User.Read` in an app-only request, or several resources in one request.",
        steps: &[
            "Use the form `<resource>/.default`, for example \
             `https://graph.microsoft.com/.default` or `api://<api-client-id>/.default`, with \
             one resource per request.",
            "Check the resource exists and its App ID URI is spelled exactly as on its Expose an \
             API blade: `az ad sp show --id <resource-uri-or-id> --query servicePrincipalNames`.",
            "Grant what the workload needs as application permissions (app roles) under API \
             permissions and give admin consent; `/.default` then returns what was consented.",
            "An API registered once per environment has a different App ID URI in each, so check \
             the scope belongs to the same environment as the client id.",
        ],
        doc_url: CLIENT_CREDENTIALS,
    },
    // Microsoft's reference gives no error name for 70021; the name is Entra's own error
    // message, shortened, so it matches what users find in their logs.
    AadstsCode {
        code: 70021,
        name: "No matching federated identity record found for presented assertion",
        status: "federation_mismatch",
        http_status: 400,
        meaning: "The token offered as a federated credential (a GitHub Actions, Azure DevOps or \
                  Kubernetes OIDC token, for instance) matches none of the federated identity \
                  credentials on the app. Entra compares issuer, subject and audience exactly, \
                  and no entry matched all three.",
        culprit: "The federated credential's subject, issuer or audience: the job runs from a \
                  branch, environment, tag or pull request that no entry names, or no federated \
                  credential was ever created on this app.",
        steps: &[
            "Note the Assertion Issuer, Subject and Audience printed in the error message: they \
             are exactly what the workload presented.",
            "List the app's entries with `az ad app federated-credential list --id <client-id>` \
             (or Certificates & secrets > Federated credentials) and compare each field \
             character by character; the match is case-sensitive.",
            "Add or correct an entry with exactly those values; the audience is normally \
             `api://AzureADTokenExchange`.",
            "In GitHub Actions the subject follows the trigger: \
             `repo:<owner>/<repo>:environment:<name>` when the job declares an environment, \
             otherwise the branch or tag ref, or `pull_request`. Repositories created or renamed \
             since July 2026 present GitHub's immutable form with owner and repository ids.",
            "Check the workload uses the client id of the app or managed identity that holds \
             the federated credential; credgate's `cross-env-client-id` finding shows an \
             environment wired to another app.",
        ],
        doc_url: FEDERATION_TRUST,
    },
    AadstsCode {
        code: 90002,
        name: "InvalidTenantName",
        status: "tenant_not_found",
        http_status: 400,
        meaning: "Entra could not find the tenant named in the authority URL in this cloud. The \
                  value looks like a tenant id or domain, but no directory answers to it here.",
        culprit: "The tenant id or authority: a typo, a deleted tenant, a domain that is not \
                  verified in any tenant, or a tenant of a national cloud (US Government, China) \
                  reached through the global authority host.",
        steps: &[
            "Check the tenant exists: `curl -s \
             https://login.microsoftonline.com/<tenant>/v2.0/.well-known/openid-configuration` \
             returns JSON with an `issuer` for a real tenant and an AADSTS90002 error otherwise.",
            "Compare the value with Directory (tenant) ID on the app's Overview blade or \
             `az account show --query tenantId`; credgate's `tenant-id-mismatch` rule shows \
             sources that disagree.",
            "For a national cloud use its own authority host (`login.microsoftonline.us`, \
             `login.partner.microsoftonline.cn`) and check credgate's `authority-mismatch` \
             findings.",
            "If a domain name is used instead of the GUID, make sure it is verified in the \
             tenant (Entra admin center > Domain names), or switch to the GUID.",
        ],
        doc_url: FIND_TENANT,
    },
    // A required field is missing from the request. credgate builds its own request, so when it
    // sees this code a configured value was empty: a client-side configuration error, hence
    // `invalid_client` rather than `unexpected`.
    AadstsCode {
        code: 90014,
        name: "MissingRequiredField",
        status: "invalid_client",
        http_status: 400,
        meaning: "The request lacked a field Entra requires, such as `client_id`, `grant_type` or \
                  `client_assertion_type`. A hand-built request may simply omit one; more often \
                  a configured value was empty and the field was left out.",
        culprit: "An empty configured value (client id, tenant or assertion), or a hand-written \
                  token request that misses a parameter.",
        steps: &[
            "Read which field the error names, then check that the matching setting is defined \
             and non-empty for this environment.",
            "Send the token request as `application/x-www-form-urlencoded` form fields; \
             parameters in a JSON body or the query string are not read.",
            "For a client assertion, send both `client_assertion` and \
             `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`.",
            "Run `credgate scan` to list `missing-credential` and `placeholder-credential` \
             findings for the environment.",
        ],
        doc_url: REFERENCE,
    },
    // The resource in the scope cannot be found in the tenant: the scope names the wrong thing,
    // so `invalid_scope`.
    AadstsCode {
        code: 500011,
        name: "InvalidResourceServicePrincipalNotFound",
        status: "invalid_scope",
        http_status: 400,
        meaning: "The resource named in the scope has no service principal in this tenant, so \
                  Entra cannot issue a token for it. Either the API is not present in the \
                  tenant or its identifier in the request is misspelled.",
        culprit: "The scope's resource: a mistyped App ID URI, an API registered only in another \
                  environment's tenant, or a Microsoft API not enabled in this tenant.",
        steps: &[
            "Take the resource from the scope (the part before `/.default`) and look it up in \
             the target tenant: `az ad sp show --id <resource-uri-or-id>`.",
            "For your own API, compare it with Expose an API > Application ID URI on the API's \
             registration in the same tenant and environment as the client.",
            "If the API is registered in another tenant, create its service principal here \
             (`az ad sp create --id <resource-client-id>`) or ask its owner to have it consented \
             in this tenant.",
            "Check the request goes to the intended tenant: a tenant id from another environment \
             produces this error for APIs that exist only in yours (credgate's \
             `tenant-id-mismatch` rule).",
        ],
        doc_url: REFERENCE,
    },
    AadstsCode {
        code: 700016,
        name: "UnauthorizedClient_DoesNotMatchRequest",
        status: "app_not_found",
        http_status: 400,
        meaning: "No application with the given client id exists in the tenant the request was \
                  sent to. Either the id is wrong, or it is right but belongs to another tenant, \
                  or a multi-tenant app was never added to this one.",
        culprit: "The client id, or the tenant id it is paired with: typically another \
                  environment's client id, or a tenant id copied from a different directory.",
        steps: &[
            "Compare the configured client id with Application (client) ID on the app's \
             Overview blade; it is neither the Object ID nor a Secret ID. credgate's \
             `malformed-id` and `client-id-mismatch` rules flag typos and sources that disagree.",
            "Check the tenant: after `az login --tenant <tenant-id>`, `az ad sp show --id \
             <client-id>` finds the app if it is known there; an error means it lives elsewhere.",
            "If the id belongs to another environment's app, credgate's `cross-env-client-id` \
             finding names the file and line that wired it in; fix the value there.",
            "For a multi-tenant app from another tenant, an administrator of this tenant must \
             add it first (`az ad sp create --id <client-id>` or admin consent).",
            "If the registration was deleted recently, restore it from App registrations > \
             Deleted applications.",
        ],
        doc_url: REFERENCE,
    },
    // Microsoft's reference gives no error name for 700024; the name is Entra's own error
    // message, shortened, so it matches what users find in their logs.
    AadstsCode {
        code: 700024,
        name: "Client assertion is not within its valid time range",
        status: "clock_skew",
        http_status: 401,
        meaning: "The signed client assertion (a certificate-signed JWT or a federated token) is \
                  outside its validity window by Entra's clock: it has expired or is not valid \
                  yet. Either the signing machine's clock is off, or one assertion was created \
                  and then reused after it expired.",
        culprit: "The clock of the machine that signs the assertion, or the lifetime of a \
                  federated token, such as a CI OIDC token fetched early in a long job.",
        steps: &[
            "Compare the runner's clock with the authority's: `date -u` against the `Date` \
             header of any HTTPS response, or `timedatectl status` / `chronyc tracking` on \
             Linux and `w32tm /query /status` on Windows. credgate's `dry-run-clock-skew` rule \
             measures the offset for you.",
            "Turn on time synchronisation (NTP) on self-hosted agents and container hosts; a \
             few minutes of drift is enough to fail.",
            "When you sign assertions yourself, set `nbf` to the current time, keep `exp` a few \
             minutes ahead, and sign a new assertion for every token request.",
            "For federated credentials in CI, request the OIDC token close to where it is \
             exchanged; a token fetched at the start of a long job can expire before a later \
             `az` or SDK call uses it.",
        ],
        doc_url: CERTIFICATE_CREDENTIALS,
    },
    // The registration treats the app as a public client, so the credential it sends is refused:
    // a client configuration error, hence `invalid_client`.
    AadstsCode {
        code: 700025,
        name: "InvalidClientPublicClientWithCredential",
        status: "invalid_client",
        http_status: 401,
        meaning: "The app is treated as a public client (the kind used by desktop, mobile and \
                  device-code sign-ins), and public clients may not present a secret or \
                  certificate. Entra rejects the request because it carries one.",
        culprit: "The app registration's platform settings: Allow public client flows set to \
                  Yes, or a client id that belongs to a desktop or CLI registration rather than \
                  the service's own.",
        steps: &[
            "Check the setting: `az ad app show --id <client-id> --query isFallbackPublicClient` \
             returns true when the app is treated as public.",
            "For a service or pipeline identity, set Authentication > Advanced settings > Allow \
             public client flows to No (`az ad app update --id <client-id> \
             --is-fallback-public-client false`).",
            "Make sure the client id is the confidential (service) registration and not the \
             desktop or CLI app of the same product; credgate's `client-id-mismatch` rule shows \
             sources that disagree.",
            "If the app must stay public, remove the secret from its configuration and use a \
             flow made for public clients.",
        ],
        doc_url: "https://learn.microsoft.com/entra/identity-platform/msal-client-applications",
    },
    AadstsCode {
        code: 700027,
        name: "Client assertion failed signature validation",
        status: "invalid_certificate",
        http_status: 401,
        meaning: "Entra could not verify the client assertion's signature with any certificate \
                  registered on the app. The assertion was signed with a key whose certificate \
                  is not, or is no longer, on the registration, or its header points at the \
                  wrong certificate.",
        culprit: "The certificate: a renewed certificate whose public part was never uploaded, \
                  another environment's certificate, or a wrong `x5t` / `x5t#S256` thumbprint in \
                  the assertion header.",
        steps: &[
            "List the registered certificates with `az ad app credential list --id <client-id> \
             --cert` and compare thumbprints and end dates with the certificate the workload \
             loads.",
            "Compute the local thumbprints with `openssl x509 -in cert.pem -noout -fingerprint \
             -sha1` (for `x5t`) or `-sha256` (for `x5t#S256`); the assertion header carries \
             them base64url-encoded, not as hex.",
            "Upload the public certificate under Certificates & secrets > Certificates, or run \
             `az ad app credential reset --id <client-id> --cert @cert.pem --append`.",
            "Check that the private key used for signing belongs to that certificate, that \
             `iss` and `sub` both equal the client id, and that `aud` is the tenant's token \
             endpoint.",
            "Sign with RS256 and an `x5t` header, or PS256 and an `x5t#S256` header, as the \
             certificate credential format describes.",
        ],
        doc_url: CERTIFICATE_CREDENTIALS,
    },
    // Microsoft's reference gives no error name for 700211; the name is Entra's own error
    // message, shortened, so it matches what users find in their logs.
    AadstsCode {
        code: 700211,
        name: "No matching federated identity record found for presented assertion issuer",
        status: "federation_mismatch",
        http_status: 400,
        meaning: "Entra looked for a federated identity credential whose issuer equals the \
                  presented token's `iss` claim and found none on this app. The token comes \
                  from an identity provider the app has not been told to trust.",
        culprit: "The federated credential's issuer: a trailing slash or another small \
                  difference in the URL, an AKS cluster whose OIDC issuer changed when it was \
                  recreated, or an entry configured for another provider.",
        steps: &[
            "Take the issuer from the error message and compare it with the Issuer of each \
             entry from `az ad app federated-credential list --id <client-id>`; the comparison \
             is exact, trailing `/` included.",
            "GitHub Actions tokens come from `https://token.actions.githubusercontent.com` \
             unless the enterprise customised its issuer. For AKS, read the issuer with `az aks \
             show -n <cluster> -g <resource-group> --query oidcIssuerProfile.issuerUrl -o tsv`.",
            "For an Azure DevOps service connection, copy the issuer shown on the service \
             connection's edit page; its format has changed over time, so older credentials may \
             carry an outdated issuer.",
            "Correct the entry's issuer, or add a new entry, then run the workload again; \
             allow a short delay for the change to take effect.",
        ],
        doc_url: FEDERATION_TRUST,
    },
    // Microsoft's reference gives no error name for 700213; the name is Entra's own error
    // message, shortened, so it matches what users find in their logs.
    AadstsCode {
        code: 700213,
        name: "No matching federated identity record found for presented assertion subject",
        status: "federation_mismatch",
        http_status: 400,
        meaning: "The app trusts the issuer of the presented token, but none of its federated \
                  identity credentials names the token's subject. The workload authenticated \
                  from a context (branch, environment, service account) that no entry covers.",
        culprit: "The federated credential's subject: the wrong branch, environment or tag, a \
                  pull-request run, a renamed repository or service account, or a difference in \
                  letter case.",
        steps: &[
            "Copy the subject printed in the error message: it is the exact value the workload \
             presented.",
            "Compare it with the Subject of each entry from `az ad app federated-credential list \
             --id <client-id>`; matching is exact and case-sensitive.",
            "GitHub Actions: a job with `environment: production` presents \
             `repo:<owner>/<repo>:environment:production`, not a branch subject, and pull \
             requests present `repo:<owner>/<repo>:pull_request`. Repositories created or \
             renamed since July 2026 use the immutable form \
             `repo:<owner>@<owner-id>/<repo>@<repo-id>:...`.",
            "Kubernetes: the subject is `system:serviceaccount:<namespace>:<service-account>`; \
             check both names against the pod's service account.",
            "Add one entry per subject the pipeline uses (an app holds at most 20), or a \
             flexible federated credential with a claims-matching expression where it is \
             supported.",
        ],
        doc_url: FEDERATION_TRUST,
    },
    // Microsoft's reference gives no error name for 900023; the name is Entra's own error
    // message, shortened, so it matches what users find in their logs.
    AadstsCode {
        code: 900023,
        name: "Specified tenant identifier is neither a valid DNS name, nor a valid external domain",
        status: "tenant_not_found",
        http_status: 400,
        meaning: "The tenant part of the authority URL is neither a GUID nor a domain name Entra \
                  can resolve. It usually means a template variable was never substituted or \
                  the value carries extra characters.",
        culprit: "The tenant id or authority: an unresolved placeholder such as `$(TENANT_ID)`, \
                  a stray quote or space, or a whole URL pasted where only the id belongs.",
        steps: &[
            "Read the tenant value in the error message (Entra echoes it) and look for quotes, \
             spaces, slashes or a literal variable name.",
            "Check the pipeline defines the variable for this environment: Azure Pipelines \
             leaves an undefined `$(X)` as literal text, and GitHub turns a missing secret into \
             an empty string. credgate's `missing-credential` and `placeholder-credential` \
             rules flag both.",
            "Use only the Directory (tenant) ID GUID from the app's Overview blade, or a \
             verified domain, and build the authority as \
             `https://login.microsoftonline.com/<tenant-id>`.",
            "Run `credgate scan` to see `malformed-id` findings for every source that feeds the \
             tenant id.",
        ],
        doc_url: FIND_TENANT,
    },
    // Not in the dry-run status list. A required form parameter was missing from the token
    // request: a fault in how the client builds the request, so the client-error bucket
    // `invalid_client` ("70002 and other client errors").
    AadstsCode {
        code: 900144,
        name: "The request body must contain the following parameter",
        status: "invalid_client",
        http_status: 400,
        meaning: "The token request lacked a parameter the flow requires; the message names it \
                  (`client_id`, `grant_type`, `scope` or `client_secret`). Entra did not get as \
                  far as checking any credential.",
        culprit: "A value that never reached the request: an empty or undefined variable for the \
                  client id or scope, a body sent as JSON instead of form-encoded, or a tool \
                  argument dropped by a script.",
        steps: &[
            "Read which parameter the message names, then find the setting that feeds it in this \
             environment (`AZURE_CLIENT_ID`, the scope, the secret).",
            "Check the variable is defined for the job that ran: GitHub turns an undefined \
             `${{ secrets.X }}` into an empty string and Azure Pipelines leaves `$(X)` as text. \
             credgate's `missing-credential` rule reports an environment that lacks what the \
             others have.",
            "When calling the endpoint by hand, post \
             `application/x-www-form-urlencoded` with `grant_type=client_credentials`, \
             `client_id`, a credential and `scope=<resource>/.default`.",
        ],
        doc_url: CLIENT_CREDENTIALS,
    },
    // Microsoft's reference gives no error name for 1002012; the name is Entra's own error
    // message, shortened, so it matches what users find in their logs.
    AadstsCode {
        code: 1002012,
        name: "The provided value for scope is not valid",
        status: "invalid_scope",
        http_status: 400,
        meaning: "An app-only token request carried a scope that is not of the form \
                  `<resource>/.default`. With client credentials there is no user to consent, so \
                  Entra accepts only `/.default`, which stands for every application permission \
                  already granted.",
        culprit: "The scope: individual permission names (`Mail.Read`, `User.Read.All`), sign-in \
                  scopes (`openid`, `offline_access`), a missing `/.default` suffix, or a scope \
                  URL-encoded twice.",
        steps: &[
            "Replace the scope list with a single `<resource>/.default` value, for example \
             `https://graph.microsoft.com/.default`.",
            "Move the individual permissions to the registration: API permissions > Add a \
             permission > Application permissions, then grant admin consent (`az ad app \
             permission admin-consent --id <client-id>`).",
            "If the value looks right, check the HTTP client does not encode it twice: `%25` in \
             the request body is the sign of double encoding.",
            "When an SDK builds the request, give the credential the resource's `/.default` \
             scope rather than a list of permissions.",
        ],
        doc_url: CLIENT_CREDENTIALS,
    },
    AadstsCode {
        code: 7000112,
        name: "UnauthorizedClientApplicationDisabled",
        status: "app_disabled",
        http_status: 400,
        meaning: "The application exists in the tenant, but sign-in for it is switched off, so \
                  Entra refuses every token request it makes. This is an administrative \
                  setting, not a credential problem.",
        culprit: "The service principal's state: Enabled for users to sign-in set to No on the \
                  enterprise application, often by a security team after an incident or by a \
                  clean-up script.",
        steps: &[
            "Confirm it: `az ad sp show --id <client-id> --query accountEnabled` returns false \
             when sign-in is disabled.",
            "Find out why before changing it: Entra admin center > Monitoring & health > Audit \
             logs, filtered on the application, shows who disabled it and when.",
            "If it was disabled on purpose, for example after a leaked secret, rotate the \
             credentials before anything else.",
            "To enable it, set Enterprise applications > <app> > Properties > Enabled for users \
             to sign-in to Yes, or run `az ad sp update --id <client-id> --set \
             accountEnabled=true`.",
            "If `az ad app show --id <client-id> --query disabledByMicrosoftStatus` is set, \
             Microsoft disabled the app and only Microsoft support can lift it.",
        ],
        doc_url: "https://learn.microsoft.com/entra/identity/enterprise-apps/disable-user-sign-in-portal",
    },
    // Microsoft's reference gives no error name for 7000215; the name is Entra's own error
    // message, shortened, so it matches what users find in their logs.
    AadstsCode {
        code: 7000215,
        name: "Invalid client secret provided",
        status: "invalid_secret",
        http_status: 401,
        meaning: "Entra found the app registration for the client id, but the secret sent with \
                  the request matches none of the secrets currently on it. The secret did not \
                  expire (that is AADSTS7000222): the string itself is wrong, stale, or belongs \
                  to another app.",
        culprit: "The client secret: most often the Secret ID (a GUID) pasted instead of the \
                  secret's value, a value kept after a rotation, another environment's secret, \
                  or a value damaged by whitespace, quotes or escaping.",
        steps: &[
            "Check the shape of the configured value without printing it: a 36-character GUID \
             is the Secret ID, not the secret (credgate's `secret-id-as-value` rule catches this \
             offline). Current secret values are 40 characters long with `8Q~` right after the \
             first three; older ones have `7Q~`.",
            "Run `az ad app credential list --id <client-id>` and compare each entry's `hint` \
             (the first 3 characters of that secret) with the 3 characters credgate shows for \
             the configured value. No match means the value is from another secret or app.",
            "If the hint matches another app's secret, this environment is wired to the wrong \
             registration: follow credgate's `secret-reuse` and `cross-env-secret-reference` \
             findings to the pipeline variable or Key Vault reference that supplies it.",
            "Remove leading and trailing spaces, newlines and quotes from the stored value; a \
             secret file written with a plain `echo` ends in a newline. credgate's \
             `secret-whitespace` rule finds these in config files.",
            "If the value is lost, create a new secret under App registrations > <app> > \
             Certificates & secrets > New client secret, and copy the Value column at once: it \
             is shown only this one time. Store it straight in the vault or pipeline secret.",
            "Restart or redeploy whatever caches the old value (App Service settings, a Key \
             Vault reference pinned to a version, variable groups), then confirm with \
             `credgate dry-run --env <name>`.",
        ],
        doc_url: CLIENT_CREDENTIALS,
    },
    // Microsoft's reference gives no error name for 7000218; the name is Entra's own error
    // message, shortened, so it matches what users find in their logs. No credential reached Entra at all, so this is the client-error
    // bucket `invalid_client`, as docs/design.md asks for "other client errors".
    AadstsCode {
        code: 7000218,
        name: "The request body must contain 'client_assertion' or 'client_secret'",
        status: "invalid_client",
        http_status: 401,
        meaning: "The token request tried to authenticate the app with nothing: the body held \
                  neither a client secret nor a client assertion. A confidential client has to \
                  send one of them.",
        culprit: "The client secret or certificate: an empty variable, a secret that never \
                  reached the process (a missing pipeline secret, an unset \
                  `AZURE_CLIENT_SECRET`), or a library that fell back to a public-client flow.",
        steps: &[
            "Check the secret variable is set and non-empty in this environment's job. GitHub \
             replaces an undefined `${{ secrets.X }}` with an empty string, and Azure Pipelines \
             only passes secret variables to a script when they are mapped in its `env:`.",
            "Run `credgate scan` and look for `missing-credential` and `placeholder-credential` \
             findings on this environment.",
            "For certificate credentials, check the certificate path points at a readable file \
             that contains the private key.",
            "If the app is meant to use device-code or password sign-in without a secret, enable \
             Allow public client flows on its Authentication blade; otherwise supply the \
             credential.",
        ],
        doc_url: CLIENT_CREDENTIALS,
    },
    AadstsCode {
        code: 7000222,
        name: "InvalidClientSecretExpiredKeysProvided",
        status: "expired_secret",
        http_status: 401,
        meaning: "The secret sent is a genuine secret of this app, but its end date has passed, \
                  so Entra no longer accepts it. Nothing else changed, which is why it tends to \
                  break a deploy that worked the day before.",
        culprit: "The client secret: the right one, but expired. A newer secret may already \
                  exist on the registration and simply never reached this environment.",
        steps: &[
            "Run `az ad app credential list --id <client-id>` and find the entry whose `hint` \
             equals the first 3 characters credgate shows for the configured secret: its \
             `endDateTime` is in the past. Note its `keyId` for the clean-up below.",
            "If a newer secret is listed, the rotation stopped halfway: find where its value was \
             stored when it was created and point this environment at it. Entra never shows a \
             secret's value a second time.",
            "Otherwise create a new secret in the portal, or with `az ad app credential reset \
             --id <client-id> --append --years 1`, which prints the value once: send it to your \
             vault, not to a build log.",
            "Update every environment and variable group that uses this app, redeploy, then \
             delete the expired entry with `az ad app credential delete --id <client-id> \
             --key-id <key-id>`.",
            "Avoid the next outage: credgate's `secret-expiring` rule warns when the secret in \
             use ends within 30 days, or move the workload to a certificate or a federated \
             credential, which has no secret to expire.",
        ],
        doc_url: ADD_CREDENTIALS,
    },
    // Microsoft's reference gives no error name for 7000229; the name is Entra's own error
    // message, shortened, so it matches what users find in their logs.
    AadstsCode {
        code: 7000229,
        name: "The client application is missing service principal in the tenant",
        status: "missing_service_principal",
        http_status: 401,
        meaning: "The app registration exists, but the tenant the token was requested from has \
                  no service principal (enterprise application) for it. A registration is only \
                  the app's definition: every tenant it signs in to needs its own service \
                  principal, and Entra refuses tokens to an app without one.",
        culprit: "The tenant's setup rather than a configured value: the service principal was \
                  never created or was deleted, or the tenant id points at a tenant other than \
                  the one the app was set up in.",
        steps: &[
            "Run `az ad sp show --id <client-id>` signed in to the target tenant; an error \
             saying the resource does not exist confirms the cause.",
            "Create it with `az ad sp create --id <client-id>` (Application administrator or \
             Cloud application administrator role), or have an administrator of the target \
             tenant grant admin consent, which creates it too.",
            "If the request was not meant to go to this tenant, fix the tenant id instead; \
             credgate's `tenant-id-mismatch` rule compares it across sources.",
            "A new service principal starts with no roles: grant the app roles and Azure RBAC \
             assignments the workload needs, then rerun `credgate dry-run`.",
        ],
        doc_url: "https://learn.microsoft.com/entra/identity/enterprise-apps/create-service-principal-cross-tenant",
    },
];
