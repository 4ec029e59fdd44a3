//! Template includes (`- template: path`, `extends: template:`) and what their `parameters:`
//! say: which local file is included, the environment it is deployed to when the include says
//! so, and parameters naming service connections or variable groups.

use crate::extract::github_workflow::shared::{
    is_environment_parameter, literal_environment, resolve_path,
};
use crate::extract::keys;
use crate::extract::yaml::Node;

/// Input and parameter names (normalised) whose value is an Azure Resource Manager service
/// connection, across `AzureCLI@2`, `AzureWebApp@1`, `AzureRmWebAppDeployment@4`,
/// `AzureFunctionApp@1`, `AzurePowerShell@5`, `AzureResourceManagerTemplateDeployment@3`,
/// `AzureKeyVault@2` and the Terraform tasks, with their aliases.
const CONNECTION_KEYS: &[&str] = &[
    "azuresubscription",
    "azuresubscriptionendpoint",
    "connectedservicename",
    "connectedservicenamearm",
    "connectedservicenameazurerm",
    "azureresourcemanagerconnection",
    "environmentservicenameazurerm",
    "backendservicearm",
    "azureserviceconnection",
    "serviceconnection",
    "serviceconnectionname",
];

/// Whether an input or parameter names a service connection.
pub(crate) fn is_connection_key(key: &str) -> bool {
    CONNECTION_KEYS.contains(&keys::normalize(key).as_str())
}

/// Whether a template parameter names a variable group (`variableGroup`, `groupName`).
pub(crate) fn is_group_key(key: &str) -> bool {
    let k = keys::normalize(key);
    k == "group"
        || k == "groupname"
        || k.ends_with("variablegroup")
        || k.ends_with("variablegroupname")
}

/// A literal name (a connection or group) that can be compared across environments, or `None`
/// for empty values and macros or expressions.
pub(crate) fn literal_name(value: &str) -> Option<&str> {
    let v = value.trim();
    (!v.is_empty() && !v.contains('$')).then_some(v)
}

/// The repository-relative path a `template:` value includes, resolved from `dir` (the folder
/// of the including file): plain relative paths, `/`-rooted paths and `path@self`. Templates in
/// other repositories (`path@templates`) and computed paths give `None`.
pub(crate) fn local_template(dir: &str, reference: &str) -> Option<String> {
    let reference = reference.trim();
    if reference.is_empty() || reference.contains("${{") || reference.contains("$(") {
        return None;
    }
    let path = match reference.rsplit_once('@') {
        Some((path, repo)) if repo.trim().eq_ignore_ascii_case("self") => path,
        Some(_) => return None,
        None => reference,
    };
    resolve_path(dir, path)
}

/// The literal environment a template include passes in its parameters
/// (`parameters: { environment: production }`).
pub(crate) fn environment_parameter(include: &Node) -> Option<&str> {
    include
        .get("parameters")?
        .entries()
        .iter()
        .rev()
        .find(|(k, _)| k.as_str().is_some_and(is_environment_parameter))
        .and_then(|(_, v)| v.as_str())
        .and_then(literal_environment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::yaml;

    #[test]
    fn local_templates_resolve_and_remote_ones_do_not() {
        assert_eq!(
            local_template("ci", "templates/deploy.yml").as_deref(),
            Some("ci/templates/deploy.yml")
        );
        assert_eq!(
            local_template("ci", "../shared/vars.yml@self").as_deref(),
            Some("shared/vars.yml")
        );
        assert_eq!(
            local_template("ci/stages", "/templates/jobs.yml").as_deref(),
            Some("templates/jobs.yml")
        );
        assert_eq!(local_template("", "deploy.yml@templates"), None);
        assert_eq!(local_template("", "${{ parameters.template }}"), None);
        assert_eq!(local_template("", ""), None);
    }

    #[test]
    fn parameter_names() {
        assert!(is_connection_key("azureSubscription"));
        assert!(is_connection_key("ConnectedServiceNameARM"));
        assert!(is_connection_key("service-connection"));
        assert!(!is_connection_key("subscriptionId"));
        assert!(is_group_key("variableGroup"));
        assert!(is_group_key("secretsVariableGroupName"));
        assert!(!is_group_key("resourceGroup"));
        assert_eq!(literal_name(" sc-prod "), Some("sc-prod"));
        assert_eq!(literal_name("$(connection)"), None);
    }

    #[test]
    fn environment_parameters() {
        let doc = yaml::parse("template: x.yml\nparameters:\n  environment: uat\n  other: 1\n")
            .unwrap()
            .remove(0);
        assert_eq!(environment_parameter(&doc), Some("uat"));
        let doc = yaml::parse("template: x.yml\nparameters:\n  env: ${{ parameters.env }}\n")
            .unwrap()
            .remove(0);
        assert_eq!(environment_parameter(&doc), None);
    }
}
