use super::*;
use crate::model::{Fact, FactValue, Field};

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

fn refs(out: &FileFacts) -> Vec<(&str, ReferenceKind, &str, u32, u32)> {
    out.references
        .iter()
        .map(|r| {
            (
                r.environment.as_str(),
                r.kind,
                r.name.as_str(),
                r.location.line.unwrap_or(0),
                r.location.column.unwrap_or(0),
            )
        })
        .collect()
}

fn reference(kind: &str, name: &str) -> FactValue {
    FactValue::Reference {
        kind: kind.to_string(),
        name: name.to_string(),
    }
}

const PIPELINE: &str = "\
trigger: [main]
variables:
  - group: common
  - name: AZURE_TENANT_ID
    value: 72f988bf-86f1-41af-91ab-2d7cd011db47
stages:
  - stage: Build
    jobs:
      - job: build
        steps:
          - script: echo $(buildSecret)
  - stage: Prod
    variables:
      - group: prod-secrets
      - name: ClientId
        value: 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0
    jobs:
      - job: validate
        steps:
          - script: az login -p $(prodSecret) -t $(Build.BuildId)
      - deployment: deploy
        environment: production.web01
        variables:
          ARM_CLIENT_SECRET: $(kv-prod-secret)
        strategy:
          runOnce:
            deploy:
              steps:
                - task: AzureCLI@2
                  inputs:
                    azureSubscription: sc-staging
                    scriptType: bash
                    inlineScript: echo ${{ variables.TenantId }}
                  env:
                    AZURE_CLIENT_ID: $(ClientId)
";

#[test]
fn stage_job_and_deployment_scopes() {
    let out = extract("azure-pipelines.yml", PIPELINE);
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(out.declared_environments, vec!["production"]);
    let tenant = facts_of(&out, Field::TenantId);
    assert_eq!(tenant.len(), 1);
    assert_eq!(
        at(tenant[0]),
        (None, 5, 12),
        "pipeline variables are unscoped"
    );
    let clients = facts_of(&out, Field::ClientId);
    assert_eq!(
        at(clients[0]),
        (Some("production"), 16, 16),
        "stage of one environment"
    );
    assert_eq!(
        clients[0].value,
        FactValue::Plain("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0".into())
    );
    assert_eq!(at(clients[1]), (Some("production"), 35, 38));
    assert_eq!(clients[1].value, reference("pipeline-variable", "ClientId"));
    let secret = facts_of(&out, Field::ClientSecret);
    assert_eq!(at(secret[0]), (Some("production"), 24, 30));
    assert_eq!(
        secret[0].value,
        reference("pipeline-variable", "kv-prod-secret")
    );
    assert!(out.facts.iter().all(|f| f.source == SOURCE));
    assert_eq!(
        out.facts.len(),
        4,
        "scriptType and the rest are no credentials"
    );
}

#[test]
fn references_of_scoped_stages_and_jobs() {
    let out = extract("azure-pipelines.yml", PIPELINE);
    let mut got = refs(&out);
    got.sort_by_key(|r| (r.3, r.4));
    assert_eq!(
        got,
        vec![
            (
                "production",
                ReferenceKind::VariableGroup,
                "prod-secrets",
                14,
                16
            ),
            ("production", ReferenceKind::Variable, "prodSecret", 20, 33),
            (
                "production",
                ReferenceKind::Variable,
                "kv-prod-secret",
                24,
                30
            ),
            ("production", ReferenceKind::Variable, "sc-staging", 31, 40),
            ("production", ReferenceKind::Variable, "TenantId", 33, 40),
            ("production", ReferenceKind::Variable, "ClientId", 35, 38),
        ],
        "buildSecret (unscoped stage), common (pipeline level) and Build.BuildId are not listed"
    );
    let connection = out
        .references
        .iter()
        .find(|r| r.name == "sc-staging")
        .unwrap();
    assert_eq!(connection.location.end_column, Some(50));
}

#[test]
fn environment_map_form_and_stage_with_two_environments() {
    let text = "\
stages:
  - stage: Deploy
    variables:
      AZURE_CLIENT_ID: shared-id-not-scoped
    jobs:
      - deployment: a
        environment:
          name: staging
          resourceType: VirtualMachine
        steps:
          - script: echo $(stagingSecret)
      - deployment: b
        environment: production
        steps:
          - script: echo $(prodSecret)
";
    let out = extract("azure-pipelines.yml", text);
    assert_eq!(out.declared_environments, vec!["staging", "production"]);
    assert_eq!(at(facts_of(&out, Field::ClientId)[0]), (None, 4, 24));
    let got: Vec<(&str, &str)> = out
        .references
        .iter()
        .map(|r| (r.environment.as_str(), r.name.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![("staging", "stagingSecret"), ("production", "prodSecret")]
    );
}

#[test]
fn variables_map_and_list_forms_with_conditionals() {
    let text = format!(
        "\
variables:
  AZURE_CLIENT_SECRET: '{SECRET}'
  ${{{{ if eq(variables['Build.SourceBranchName'], 'main') }}}}:
    AZURE_TENANT_ID: contoso.onmicrosoft.com
  unrelated: x
jobs:
  - job: a
    variables:
      - name: ARM_CLIENT_ID
        value: ${{{{ parameters.clientId }}}}
      - ${{{{ if true }}}}:
        - name: AZURE_AUTHORITY_HOST
          value: https://login.microsoftonline.com/
"
    );
    let out = extract("azure-pipelines.yml", &text);
    let secret = facts_of(&out, Field::ClientSecret);
    assert!(matches!(&secret[0].value, FactValue::Secret(s) if s.expose() == SECRET));
    assert_eq!(at(secret[0]), (None, 2, 25));
    assert_eq!(at(facts_of(&out, Field::TenantId)[0]), (None, 4, 22));
    let client = facts_of(&out, Field::ClientId);
    assert_eq!(client[0].value, reference("template-variable", "clientId"));
    assert_eq!(at(client[0]), (None, 10, 16));
    assert_eq!(at(facts_of(&out, Field::Authority)[0]), (None, 13, 18));
    assert_eq!(out.facts.len(), 4);
    assert!(out.references.is_empty(), "nothing is scoped");
    assert!(!format!("{out:?}").contains(SECRET));
}

#[test]
fn templates_are_file_uses_of_their_scope() {
    let text = "\
stages:
  - stage: Prod
    jobs:
      - deployment: deploy
        environment: production
        strategy:
          runOnce:
            deploy:
              steps:
                - template: steps/deploy.yml
                - template: /shared/steps.yml@self
                - template: steps/remote.yml@templates
  - stage: Uat
    jobs:
      - template: ../jobs/deploy-job.yml
        parameters:
          environment: uat
          serviceConnection: sc-uat
          variableGroup: uat-secrets
          clientId: 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0
    variables:
      - template: vars/uat.yml
  - template: stages/dr.yml
    parameters:
      env: dr
  - template: stages/unscoped.yml
";
    let out = extract("ci/azure-pipelines.yml", text);
    assert_eq!(
        out.file_uses,
        vec![
            ("production".to_string(), "ci/steps/deploy.yml".to_string()),
            ("production".to_string(), "shared/steps.yml".to_string()),
            ("uat".to_string(), "ci/vars/uat.yml".to_string()),
            ("uat".to_string(), "jobs/deploy-job.yml".to_string()),
            ("dr".to_string(), "ci/stages/dr.yml".to_string()),
        ]
    );
    assert_eq!(out.declared_environments, vec!["production", "uat", "dr"]);
    let client = facts_of(&out, Field::ClientId)[0];
    assert_eq!(at(client), (Some("uat"), 20, 21));
    let got: Vec<(&str, ReferenceKind, &str)> = out
        .references
        .iter()
        .map(|r| (r.environment.as_str(), r.kind, r.name.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("uat", ReferenceKind::Variable, "sc-uat"),
            ("uat", ReferenceKind::VariableGroup, "uat-secrets"),
        ]
    );
}

#[test]
fn a_template_file_with_parameters_is_unscoped() {
    let text = "\
parameters:
  - name: environment
    type: string
  - name: clientId
    default: 11111111-2222-3333-4444-555555555555
jobs:
  - deployment: deploy
    environment: ${{ parameters.environment }}
    steps:
      - task: AzureWebApp@1
        inputs:
          azureSubscription: ${{ parameters.serviceConnection }}
          appName: app
      - bash: ./deploy.sh
        env:
          AZURE_CLIENT_ID: ${{ parameters.clientId }}
          AZURE_CLIENT_SECRET: $(secretPrefix)-$(secretSuffix)
";
    let out = extract("ci/jobs/deploy-job.yml", text);
    assert!(out.declared_environments.is_empty());
    assert!(out.references.is_empty());
    assert!(out.file_uses.is_empty());
    let client = facts_of(&out, Field::ClientId);
    assert_eq!(client.len(), 1, "parameter defaults are not facts");
    assert_eq!(at(client[0]), (None, 16, 28));
    assert_eq!(client[0].value, reference("template-variable", "clientId"));
    let secret = facts_of(&out, Field::ClientSecret)[0];
    assert_eq!(
        secret.value,
        reference(EXPRESSION_KIND, "$(secretPrefix), $(secretSuffix)")
    );
}

#[test]
fn task_inputs_are_read_in_the_task_context() {
    let text = "\
steps:
  - task: TerraformTaskV4@4
    inputs:
      environmentServiceNameAzureRM: sc-dev
      ARM_CLIENT_ID: 0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0
  - task: AzureCLI@2
    inputs:
      tenant: contoso.onmicrosoft.com
  - task: SqlServer@1
    inputs:
      tenant: not-identity
";
    let out = extract("azure-pipelines.yml", text);
    assert_eq!(at(facts_of(&out, Field::ClientId)[0]), (None, 5, 22));
    let tenants = facts_of(&out, Field::TenantId);
    assert_eq!(tenants.len(), 1, "tenant counts only in an Azure task");
    assert_eq!(at(tenants[0]), (None, 8, 15));
    assert!(
        out.references.is_empty(),
        "unscoped steps reference nothing"
    );
}

#[test]
fn conditions_of_scoped_jobs_are_scanned() {
    let text = "\
jobs:
  - deployment: d
    environment: staging
    condition: and(succeeded(), eq(variables['deployTarget'], 'prod'))
    steps:
      - script: echo $[ variables.other ]
";
    let out = extract("azure-pipelines.yml", text);
    assert_eq!(
        refs(&out),
        vec![
            ("staging", ReferenceKind::Variable, "deployTarget", 4, 36),
            ("staging", ReferenceKind::Variable, "other", 6, 22),
        ]
    );
}

#[test]
fn malformed_yaml_is_a_parse_error_with_a_line() {
    let out = extract(
        "azure-pipelines.yml",
        "stages:\n  - stage: a\n    jobs: [\n  x: y\n",
    );
    assert_eq!(out.problems.len(), 1);
    assert_eq!(out.problems[0].rule_id, "parse-error");
    assert!(out.problems[0].location.line.is_some());
}

#[test]
fn crlf_bom_and_duplicate_keys() {
    let text = "\u{feff}variables:\r\n  ARM_CLIENT_ID: one\r\n  ARM_CLIENT_ID: two\r\n";
    let out = extract("azure-pipelines.yml", text);
    let got: Vec<_> = facts_of(&out, Field::ClientId)
        .iter()
        .map(|f| (at(f), f.value.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            ((None, 2, 18), FactValue::Plain("one".into())),
            ((None, 3, 18), FactValue::Plain("two".into())),
        ]
    );
}

#[test]
fn documents_that_are_not_pipelines_give_nothing() {
    for text in [
        "",
        "- a\n",
        "stages: 3\n",
        "jobs:\n  - 1\n",
        "variables: x\n",
    ] {
        let out = extract("azure-pipelines.yml", text);
        assert!(out.facts.is_empty() && out.problems.is_empty(), "{text}");
    }
}

#[test]
fn fixture_repository() {
    let out = extract(
        "azure-pipelines.yml",
        include_str!("../../../tests/fixtures/azure-pipelines/azure-pipelines.yml"),
    );
    assert!(out.problems.is_empty(), "{:?}", out.problems);
    assert_eq!(
        out.declared_environments,
        vec!["staging", "production", "uat"]
    );
    assert_eq!(at(facts_of(&out, Field::TenantId)[0]), (None, 7, 12));
    assert_eq!(
        at(facts_of(&out, Field::ClientId)[0]),
        (Some("production"), 36, 16)
    );
    let secret = facts_of(&out, Field::ClientSecret)[0];
    assert_eq!(secret.environment.as_deref(), Some("production"));
    assert_eq!(
        secret.value,
        reference("pipeline-variable", "prod-client-secret")
    );
    let mut got = refs(&out);
    got.retain(|r| {
        r.2.starts_with("sc-") || r.2.ends_with("-secrets") || r.2.ends_with("settings")
    });
    assert_eq!(
        got,
        vec![
            (
                "staging",
                ReferenceKind::VariableGroup,
                "staging-secrets",
                18,
                16
            ),
            ("staging", ReferenceKind::Variable, "sc-staging", 28, 40),
            (
                "production",
                ReferenceKind::VariableGroup,
                "staging-secrets",
                34,
                16
            ),
            ("production", ReferenceKind::Variable, "sc-staging", 48, 40),
            ("uat", ReferenceKind::Variable, "sc-uat", 60, 30),
        ]
    );
    assert_eq!(
        out.file_uses,
        vec![
            (
                "production".to_string(),
                "ci/templates/deploy-steps.yml".to_string()
            ),
            ("uat".to_string(), "ci/templates/deploy-job.yml".to_string()),
        ]
    );

    let steps = extract(
        "ci/templates/deploy-steps.yml",
        include_str!("../../../tests/fixtures/azure-pipelines/ci/templates/deploy-steps.yml"),
    );
    assert_eq!(at(facts_of(&steps, Field::ClientId)[0]), (None, 14, 22));
    assert!(steps.references.is_empty() && steps.file_uses.is_empty());
    let job = extract(
        "ci/templates/deploy-job.yml",
        include_str!("../../../tests/fixtures/azure-pipelines/ci/templates/deploy-job.yml"),
    );
    let client = facts_of(&job, Field::ClientId)[0];
    assert_eq!(client.environment, None);
    assert_eq!(client.value, reference("pipeline-variable", "uatClientId"));
    let broken = extract(
        "azure-pipelines-broken.yml",
        include_str!("../../../tests/fixtures/azure-pipelines/azure-pipelines-broken.yml"),
    );
    assert_eq!(broken.problems.len(), 1);
    assert!(broken.problems[0].location.line.is_some());
}

#[test]
fn secrets_stay_out_of_debug_and_parameters_of_unscoped_includes() {
    let text = format!(
        "steps:\n  - template: t.yml\n    parameters:\n      clientSecret: '{SECRET}'\n      serviceConnection: sc-x\n"
    );
    let out = extract("azure-pipelines.yml", &text);
    let secret = facts_of(&out, Field::ClientSecret)[0];
    assert_eq!(at(secret), (None, 4, 22));
    assert!(matches!(&secret.value, FactValue::Secret(s) if s.expose() == SECRET));
    assert!(out.references.is_empty() && out.file_uses.is_empty());
    assert!(!format!("{out:?}").contains(SECRET));
}
