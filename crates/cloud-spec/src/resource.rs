//! The service's resource as its state waiters see it, decided once from the spec's `resource`
//! key: the facts behind the transport's `ResourceInfo`. The generator spells them as each
//! crate's `operations::RESOURCE` and `cloud_spec::transport::resource_info` builds the same
//! value for the CLI's `--wait` and `cloudcall audit`, so the rules below (how it is listed and
//! paged, how a listing is narrowed to one id, which statuses mean what) are written here and
//! nowhere else.

use crate::call::{call_facts, CallFacts};
use crate::facts::{error, operation_named, scalar_facts, FactsError, FactsProblem, ScalarFact};
use crate::lifecycle::FilterMember;
use crate::pages::{page_facts, PageFacts};
use crate::Service;

/// How the resource is listed and what its statuses mean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceFacts<'s> {
    /// What one is called: `instance`.
    pub name: &'s str,
    /// How the list operation is called.
    pub list: CallFacts<'s>,
    /// How the list operation pages.
    pub pages: PageFacts<'s>,
    /// How a listing is narrowed to one id, when the list operation can be.
    pub id_filter: Option<ListFilterFacts<'s>>,
    /// The path of an item's id.
    pub item_id: &'s str,
    /// The path of an item's status.
    pub item_status: &'s str,
    /// Statuses of a running resource.
    pub running: Vec<ScalarFact<'s>>,
    /// Statuses of an isolated resource (in the recycle bin).
    pub isolated: Vec<ScalarFact<'s>>,
    /// Statuses of a deleted resource.
    pub deleted: Vec<ScalarFact<'s>>,
    /// Statuses of a resource that failed.
    pub failed: Vec<ScalarFact<'s>>,
}

/// The input member of the list operation that narrows a listing to one id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListFilterFacts<'s> {
    /// The member.
    pub member: &'s str,
    /// With Tencent's filter convention, the `Name` of the filter entry.
    pub name: Option<&'s str>,
    /// The member is a list: the id is sent as a one-item list.
    pub list: bool,
}

/// The resource of `service`, when the spec has one.
///
/// # Errors
///
/// An unknown list operation, a list operation that does not page (or pages wrongly), a
/// malformed id filter, or a status that is not a scalar.
pub fn resource_facts(service: &Service) -> Result<Option<ResourceFacts<'_>>, FactsError> {
    let Some(resource) = &service.resource else {
        return Ok(None);
    };
    let list = &resource.list;
    let at = "resource.list.operation";
    let (name, operation) = operation_named(service, &list.operation, at)?;
    let pages = page_facts(name, operation)?
        .ok_or_else(|| error(at, FactsProblem::NotPaged(name.to_owned())))?;
    let id_filter = match &list.filters.id {
        None => None,
        Some(text) => {
            let filter = FilterMember::parse(text)
                .map_err(|e| error("resource.list.filters.id", FactsProblem::InvalidFilter(e)))?;
            Some(ListFilterFacts {
                member: filter.member,
                name: filter.filter_name,
                list: operation.input_is_list(filter.member),
            })
        }
    };
    let states = &resource.states;
    Ok(Some(ResourceFacts {
        name: &resource.name,
        list: call_facts(service.vendor, name, operation),
        pages,
        id_filter,
        item_id: &list.id,
        item_status: &list.status,
        running: scalar_facts(&states.running, "resource.states.running")?,
        isolated: scalar_facts(&states.isolated, "resource.states.isolated")?,
        deleted: scalar_facts(&states.deleted, "resource.states.deleted")?,
        failed: scalar_facts(&states.failed, "resource.states.failed")?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_service::lifecycle_service;

    #[test]
    fn the_resource_is_listed_filtered_and_read_as_the_spec_says() {
        let service = lifecycle_service();
        let resource = resource_facts(&service).unwrap().expect("a resource");
        assert_eq!(resource.name, "thing");
        assert_eq!(resource.list.name, "DescribeThings");
        let pages = page_facts("DescribeThings", &service.operations["DescribeThings"]);
        assert_eq!(Some(&resource.pages), pages.unwrap().as_ref());
        assert_eq!(
            resource.id_filter,
            Some(ListFilterFacts {
                member: "InstanceIds",
                name: None,
                list: true
            })
        );
        assert_eq!(resource.running, [ScalarFact::Int(1)]);
        assert_eq!(resource.deleted, [ScalarFact::Int(-3)]);

        let mut named = service.clone();
        if let Some(r) = &mut named.resource {
            r.list.filters.id = Some("Filters[thing-id]".into());
        }
        let filter = resource_facts(&named).unwrap().unwrap().id_filter.unwrap();
        assert_eq!(
            (filter.member, filter.name, filter.list),
            ("Filters", Some("thing-id"), false)
        );
        let mut none = service.clone();
        none.resource = None;
        assert_eq!(resource_facts(&none), Ok(None));
    }

    #[test]
    fn a_list_that_does_not_page_or_filter_is_an_error_naming_the_key() {
        let mut service = lifecycle_service();
        service.resource.as_mut().unwrap().list.operation = "PlainCall".into();
        let e = resource_facts(&service).unwrap_err();
        assert_eq!(e.path, "resource.list.operation");
        assert_eq!(e.problem, FactsProblem::NotPaged("PlainCall".into()));

        let mut service = lifecycle_service();
        service.resource.as_mut().unwrap().list.filters.id = Some("Filters[".into());
        let e = resource_facts(&service).unwrap_err();
        assert_eq!(e.path, "resource.list.filters.id");
        assert!(matches!(e.problem, FactsProblem::InvalidFilter(_)));

        let mut service = lifecycle_service();
        service.resource.as_mut().unwrap().states.failed = vec![serde_json::json!(0.5)];
        let e = resource_facts(&service).unwrap_err();
        assert_eq!(e.path, "resource.states.failed[0]");
    }
}
