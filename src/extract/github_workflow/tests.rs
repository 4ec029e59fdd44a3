use super::*;
use crate::model::{FactValue, Field};

const SECRET: &str = "abc8Q~QWErtyuiopASdfghjklzxcvbnm12345678";

fn facts_of(out: &FileFacts, field: Field) -> Vec<&Fact> {
    out.facts.iter().filter(|f| f.field == field).collect()
}

fn at(fact: &Fact) -> (Option<&str>, u32, u32) {
    (
        fact.environment.as_deref(),
        fact.location.line.unwrap_or(0),
        fact.location.column.unwrap_or(0),
    )
}

fn reference(kind: &str, name: &str) -> FactValue {
    FactValue::Reference {
        kind: kind.to_string(),
        name: name.to_string(),
    }
}

const DEPLOY: &str = "\
name: deploy
on: push
env:
  AZURE_TENANT_ID: 72f988bf-86f1-41af-91ab-2d7cd011db47
jobs:
  build:
    runs-on: ubuntu-latest
    env:
      AZURE_CLIENT_ID: ${{ vars.BUILD_CLIENT_ID }}
    steps:
      - run: echo ${{ secrets.BUILD_ONLY }}
  deploy:
    runs-on: ubuntu-latest
    environment: production
    env:
      AZURE_CLIENT_ID: ${{ vars.AZURE_CLIENT_ID }}
      UNRELATED: hello
    steps:
      - uses: azure/login@v2
        with:
          client-id: ${{ secrets.PROD_CLIENT_ID }}
          tenant-id: contoso.onmicrosoft.com
          subscription-id: ${{ secrets.SUB }}
      - name: Deploy
        if: secrets.PROD_FLAG != ''
        run: |
          az webapp config appsettings set --settings @appsettings.Production.json
          echo \"${{ secrets.STAGING_CLIENT_SECRET }}\" | login
";

#[test]
fn scoped_and_unscoped_jobs() {
    let out = extract(".github/workflows/deploy.yml", DEPLOY);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let tenants = facts_of(&out, Field::TenantId);
    assert_eq!(tenants.len(), 2);
    assert_eq!(at(tenants[0]), (None, 4, 20), "workflow env is unscoped");
    assert_eq!(at(tenants[1]), (Some("production"), 22, 22));
    assert_eq!(
        tenants[1].value,
        FactValue::Plain("contoso.onmicrosoft.com".into())
    );

    let clients = facts_of(&out, Field::ClientId);
    assert_eq!(clients.len(), 3);
    assert_eq!(at(clients[0]), (None, 9, 24));
    assert_eq!(
        clients[0].value,
        reference("github-variable", "BUILD_CLIENT_ID")
    );
    assert_eq!(at(clients[1]), (Some("production"), 16, 24));
    assert_eq!(
        clients[1].value,
        reference("github-variable", "AZURE_CLIENT_ID")
    );
    assert_eq!(clients[1].location.end_column, Some(24 + 27));
    assert_eq!(at(clients[2]), (Some("production"), 21, 22));
    assert_eq!(
        clients[2].value,
        reference("github-secret", "PROD_CLIENT_ID")
    );
    assert!(out.facts.iter().all(|f| f.source == SOURCE));
    assert_eq!(
        out.facts.len(),
        5,
        "UNRELATED and subscription-id are no credentials"
    );
    assert_eq!(out.declared_environments, vec!["production"]);
}

#[test]
fn references_of_scoped_jobs_with_their_columns() {
    let out = extract(".github/workflows/deploy.yml", DEPLOY);
    let refs: Vec<(ReferenceKind, &str, u32, u32, Option<u32>)> = out
        .references
        .iter()
        .map(|r| {
            assert_eq!(r.environment, "production");
            (
                r.kind,
                r.name.as_str(),
                r.location.line.unwrap_or(0),
                r.location.column.unwrap_or(0),
                r.location.end_column,
            )
        })
        .collect();
    assert_eq!(
        refs,
        vec![
            (ReferenceKind::Variable, "AZURE_CLIENT_ID", 16, 24, Some(51)),
            (ReferenceKind::Secret, "PROD_CLIENT_ID", 21, 22, Some(51)),
            (ReferenceKind::Secret, "SUB", 23, 28, Some(46)),
            (ReferenceKind::Secret, "PROD_FLAG", 25, 13, Some(30)),
            (
                ReferenceKind::Secret,
                "STAGING_CLIENT_SECRET",
                28,
                17,
                Some(53)
            ),
        ],
        "the unscoped build job's BUILD_ONLY is not listed"
    );
}

#[test]
fn settings_files_handed_to_steps() {
    let out = extract(".github/workflows/deploy.yml", DEPLOY);
    assert_eq!(
        out.file_uses,
        vec![(
            "production".to_string(),
            "appsettings.Production.json".to_string()
        )]
    );
}

#[test]
fn environment_map_form_and_expressions_that_cannot_be_resolved() {
    let text = "\
jobs:
  a:
    environment:
      name: staging
      url: ${{ steps.deploy.outputs.url }}
    env:
      AZURE_CLIENT_SECRET: ${{ secrets.STAGING_SECRET }}
  b:
    environment: ${{ inputs.target }}
    env:
      AZURE_CLIENT_SECRET: ${{ secrets.OTHER }}
";
    let out = extract("w.yml", text);
    assert_eq!(out.declared_environments, vec!["staging"]);
    let secrets = facts_of(&out, Field::ClientSecret);
    assert_eq!(at(secrets[0]), (Some("staging"), 7, 28));
    assert_eq!(
        secrets[0].value,
        reference("github-secret", "STAGING_SECRET")
    );
    assert_eq!(secrets.len(), 1);
    assert_eq!(out.references.len(), 1);
    assert_eq!(out.references[0].name, "STAGING_SECRET");
    // `${{ inputs.target }}`: the callers decide, once every file is read.
    let [job] = out.reusable_jobs.as_slice() else {
        panic!("one job waits for its callers: {:?}", out.reusable_jobs);
    };
    assert_eq!(
        (job.workflow.as_str(), job.input.as_str()),
        ("w.yml", "target")
    );
    assert_eq!(at(&job.job.facts[0]), (None, 11, 28));
    assert_eq!(job.job.references[0].1, "OTHER");
}

#[test]
fn calls_of_local_reusable_workflows_are_recorded() {
    let text = "\
jobs:
  unscoped:
    uses: ./.github/workflows/deploy.yml
    with:
      target: production
    secrets:
      AZURE_CLIENT_SECRET: ${{ secrets.PROD_SECRET }}
  scoped:
    uses: ./.github/workflows/deploy.yml
    with:
      environment: staging
    secrets: inherit
  remote:
    uses: octo/shared/.github/workflows/deploy.yml@v1
    with:
      environment: test
";
    let out = extract(".github/workflows/release.yml", text);
    let [unscoped, scoped] = out.workflow_calls.as_slice() else {
        panic!("two local calls: {:?}", out.workflow_calls);
    };
    assert_eq!(unscoped.workflow, ".github/workflows/deploy.yml");
    assert_eq!(
        unscoped.input("TARGET"),
        Some(&["production".to_string()][..])
    );
    assert!(!unscoped.inherits_secrets);
    // No environment of its own: its secret mapping waits with the call.
    let pending = unscoped.pending.as_ref().expect("pending yield");
    assert_eq!(pending.facts.len(), 1);
    assert_eq!(pending.references[0].1, "PROD_SECRET");
    assert_eq!(pending.files, vec![".github/workflows/deploy.yml"]);
    assert!(scoped.inherits_secrets && scoped.pending.is_none());
    assert_eq!(out.declared_environments, vec!["staging", "test"]);
    assert!(out.facts.is_empty(), "the pending fact is not unscoped yet");
}

const MATRIX: &str = "\
jobs:
  deploy:
    strategy:
      matrix:
        env: [staging, production]
        include:
          - env: production
            client: 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0
    environment: ${{ matrix.env }}
    env:
      AZURE_CLIENT_ID: ${{ matrix.client }}
      AZURE_CLIENT_SECRET: ${{ secrets[format('{0}_SECRET', matrix.env)] }}
      AZURE_TENANT_ID: ${{ vars.TENANT }}
";

#[test]
fn matrix_expands_to_one_scope_per_value() {
    let out = extract("w.yml", MATRIX);
    assert_eq!(out.declared_environments, vec!["staging", "production"]);
    let tenants = facts_of(&out, Field::TenantId);
    let envs: Vec<_> = tenants.iter().map(|f| at(f)).collect();
    assert_eq!(
        envs,
        vec![(Some("staging"), 13, 24), (Some("production"), 13, 24)]
    );
    let refs: Vec<(&str, &str)> = out
        .references
        .iter()
        .map(|r| (r.environment.as_str(), r.name.as_str()))
        .collect();
    assert_eq!(refs, vec![("staging", "TENANT"), ("production", "TENANT")]);
}

#[test]
fn matrix_values_resolve_from_include_rows() {
    let out = extract("w.yml", MATRIX);
    let clients = facts_of(&out, Field::ClientId);
    assert_eq!(at(clients[0]), (Some("staging"), 11, 24));
    assert_eq!(
        clients[0].value,
        reference(EXPRESSION_KIND, "matrix.client"),
        "staging's row gives no client"
    );
    assert_eq!(at(clients[1]), (Some("production"), 8, 21));
    assert_eq!(
        clients[1].value,
        FactValue::Plain("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0".into())
    );
    let secrets = facts_of(&out, Field::ClientSecret);
    assert!(secrets.iter().all(|f| matches!(
        &f.value,
        FactValue::Reference { kind, .. } if kind == EXPRESSION_KIND
    )));
}

#[test]
fn azure_login_creds_literal_and_reference() {
    let text = format!(
        "\
jobs:
  a:
    environment: test
    steps:
      - uses: Azure/login@v1
        with:
          creds: '{{\"clientId\":\"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\",\"clientSecret\":\"{SECRET}\",\"tenantId\":\"72f988bf-86f1-41af-91ab-2d7cd011db47\"}}'
      - uses: azure/login@v2
        with:
          creds: ${{{{ secrets.AZURE_CREDENTIALS }}}}
      - uses: some/other-action@v1
        with:
          creds: not-json-and-not-azure-login
"
    );
    let out = extract("w.yml", &text);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    let secrets = facts_of(&out, Field::ClientSecret);
    assert_eq!(secrets.len(), 2);
    assert!(matches!(&secrets[0].value, FactValue::Secret(s) if s.expose() == SECRET));
    assert_eq!(at(secrets[0]), (Some("test"), 7, 86));
    assert_eq!(
        secrets[1].value,
        reference("github-secret", "AZURE_CREDENTIALS")
    );
    assert_eq!(at(secrets[1]), (Some("test"), 10, 18));
    assert_eq!(
        at(facts_of(&out, Field::ClientId)[0]),
        (Some("test"), 7, 32)
    );
    // The referenced creds JSON supplies the tenant and client id too.
    let tenants = facts_of(&out, Field::TenantId);
    assert_eq!(tenants.len(), 2);
    assert_eq!(
        tenants[1].value,
        reference("github-secret", "AZURE_CREDENTIALS")
    );
    assert_eq!(facts_of(&out, Field::ClientId).len(), 2);
    assert!(
        !format!("{out:?}").contains(SECRET),
        "no secret in Debug output"
    );
}

#[test]
fn invalid_creds_json_is_a_parse_error_at_the_input() {
    let text = format!(
        "jobs:\n  a:\n    steps:\n      - uses: azure/login@v2\n        with:\n          creds: '{{\"clientSecret\": \"{SECRET}\"'\n"
    );
    let out = extract("w.yml", &text);
    assert_eq!(out.problems.len(), 1);
    let problem = &out.problems[0];
    assert_eq!(problem.rule_id, "parse-error");
    assert_eq!(problem.location.line, Some(6));
    assert!(!problem.message.contains(SECRET));
    assert!(!format!("{out:?}").contains(SECRET));
}

#[test]
fn literals_placeholders_and_key_vault_references() {
    let text = format!(
        "\
env:
  AZURE_CLIENT_SECRET: \"{SECRET}\"
  ARM_CLIENT_SECRET: <client-secret>
  AZURE_AD_CLIENT_SECRET: \"@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/s/)\"
  ARM_TENANT_ID: ''
  GREETING: ${{{{ secrets.HELLO }}}}
"
    );
    let out = extract("w.yml", &text);
    let secrets = facts_of(&out, Field::ClientSecret);
    assert_eq!(secrets.len(), 3, "the empty tenant is no fact");
    assert!(matches!(&secrets[0].value, FactValue::Secret(s) if s.expose() == SECRET));
    assert_eq!(at(secrets[0]), (None, 2, 25));
    assert!(matches!(&secrets[1].value, FactValue::Secret(s) if s.expose() == "<client-secret>"));
    assert!(matches!(&secrets[2].value, FactValue::Reference { kind, .. } if kind == "key-vault"));
    assert!(out.references.is_empty(), "workflow env is no job");
}

#[test]
fn reusable_workflow_calls() {
    let text = "\
jobs:
  call:
    uses: ./.github/workflows/deploy-template.yml
    with:
      environment: uat
      client-id: 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0
    secrets:
      AZURE_CLIENT_SECRET: ${{ secrets.UAT_SECRET }}
  remote:
    uses: org/repo/.github/workflows/x.yml@main
    with:
      environment: production
";
    let out = extract("w.yml", text);
    assert_eq!(out.declared_environments, vec!["uat", "production"]);
    assert_eq!(
        out.file_uses,
        vec![(
            "uat".to_string(),
            ".github/workflows/deploy-template.yml".to_string()
        )]
    );
    let secret = facts_of(&out, Field::ClientSecret)[0];
    assert_eq!(at(secret), (Some("uat"), 8, 28));
    assert_eq!(at(facts_of(&out, Field::ClientId)[0]), (Some("uat"), 6, 18));
    assert_eq!(out.references.len(), 1);
}

#[test]
fn working_directories_resolve_settings_paths() {
    let text = "\
defaults:
  run:
    working-directory: src/api
jobs:
  a:
    environment: production
    steps:
      - run: dotnet run --settings appsettings.Production.json
      - run: cat ../web/.env.production
        working-directory: ./src/api
      - uses: azure/appservice-settings@v1
        with:
          app-settings-json: ./settings/prod.json
";
    let out = extract("w.yml", text);
    let files: Vec<&str> = out.file_uses.iter().map(|(_, f)| f.as_str()).collect();
    assert_eq!(
        files,
        vec![
            "settings/prod.json",
            "src/api/appsettings.Production.json",
            "src/web/.env.production"
        ]
    );
}

#[test]
fn malformed_yaml_is_a_parse_error_with_a_line() {
    let out = extract("w.yml", "jobs:\n  a:\n    env: [unclosed\n    steps: x\n");
    assert_eq!(out.problems.len(), 1);
    assert!(out.problems[0].location.line.is_some());
    assert!(out.facts.is_empty());
}

#[test]
fn crlf_bom_and_duplicate_keys() {
    let text = "\u{feff}jobs:\r\n  a:\r\n    environment: dev\r\n    env:\r\n      AZURE_CLIENT_ID: one\r\n      AZURE_CLIENT_ID: two\r\n";
    let out = extract("w.yml", text);
    let clients = facts_of(&out, Field::ClientId);
    let got: Vec<_> = clients.iter().map(|f| (at(f), f.value.clone())).collect();
    assert_eq!(
        got,
        vec![
            ((Some("dev"), 5, 24), FactValue::Plain("one".into())),
            ((Some("dev"), 6, 24), FactValue::Plain("two".into())),
        ],
        "both duplicates are kept so a conflict is visible"
    );
}

#[test]
fn documents_that_are_not_workflows_give_nothing() {
    for text in [
        "",
        "- a\n- b\n",
        "just text\n",
        "jobs: 3\n",
        "jobs:\n  a: x\n",
    ] {
        let out = extract("w.yml", text);
        assert!(out.facts.is_empty() && out.problems.is_empty(), "{text}");
    }
}

#[test]
fn fixture_repository() {
    let out = extract(
        ".github/workflows/deploy.yml",
        include_str!("../../../tests/fixtures/workflows/.github/workflows/deploy.yml"),
    );
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(out.declared_environments, vec!["staging", "production"]);
    assert_eq!(at(facts_of(&out, Field::TenantId)[0]), (None, 7, 20));
    let crossed = facts_of(&out, Field::ClientSecret)
        .into_iter()
        .find(|f| f.value == reference("github-secret", "STAGING_CLIENT_SECRET"))
        .unwrap();
    assert_eq!(at(crossed), (Some("production"), 36, 28));
    let creds = facts_of(&out, Field::ClientSecret)
        .into_iter()
        .find(|f| f.value == reference("github-secret", "PROD_AZURE_CREDENTIALS"))
        .unwrap();
    assert_eq!(creds.environment.as_deref(), Some("production"));
    assert_eq!(
        out.file_uses,
        vec![(
            "production".to_string(),
            "src/Api/appsettings.Release.json".to_string()
        )]
    );
    let smoke: Vec<(&str, u32, u32)> = out
        .references
        .iter()
        .filter(|r| r.name == "SMOKE_TOKEN")
        .map(|r| {
            (
                r.environment.as_str(),
                r.location.line.unwrap_or(0),
                r.location.column.unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(smoke, vec![("staging", 54, 13), ("production", 54, 13)]);

    let broken = extract(
        ".github/workflows/broken.yml",
        include_str!("../../../tests/fixtures/workflows/.github/workflows/broken.yml"),
    );
    assert_eq!(broken.problems.len(), 1);
    assert!(broken.problems[0].location.line.is_some());
}

#[test]
fn flow_style_on_one_line_keeps_every_column() {
    let text = "{jobs: {a: {environment: prod, env: {AZURE_CLIENT_ID: \"${{ vars.A }}\", AZURE_TENANT_ID: 'x-${{ vars.B }}'}}}}\n";
    let out = extract("w.yml", text);
    let got: Vec<(&str, u32)> = out
        .references
        .iter()
        .map(|r| (r.name.as_str(), r.location.column.unwrap_or(0)))
        .collect();
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(got, vec![("A", 56), ("B", 92)]);
    let tenant = facts_of(&out, Field::TenantId)[0];
    assert_eq!(tenant.value, reference(EXPRESSION_KIND, "vars.B"));
}

#[test]
fn large_generated_workflow() {
    let mut text = String::from("jobs:\n");
    for i in 0..2_000 {
        text.push_str(&format!(
            "  job{i}:\n    environment: env{}\n    env:\n      AZURE_CLIENT_ID: ${{{{ vars.ID_{i} }}}}\n    steps:\n      - run: echo ${{{{ secrets.S_{i} }}}} ${{{{ vars.V_{i} }}}}\n",
            i % 5
        ));
    }
    let out = extract("w.yml", &text);
    assert_eq!(out.facts.len(), 2_000);
    assert_eq!(out.references.len(), 6_000);
    assert_eq!(out.declared_environments.len(), 5);
    let last = out.references.last().unwrap();
    assert_eq!(
        (last.name.as_str(), last.location.line),
        ("V_1999", Some(12_001))
    );
    assert_eq!(last.location.column, Some(41));
}
