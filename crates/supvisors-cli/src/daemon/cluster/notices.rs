//! The local Supervisor's facts published to every instance (core §10.2): process state
//! changes, processes added or removed, disabilities. The local engine learns them back
//! through its own link, like every other instance, so that all engines see the same order.

use std::sync::Arc;

use supvisors_core::messages::InternalMessage;
use supvisors_net::links::Links;
use supvisors_proc::model::SupvisorsNotice;
use tokio::sync::mpsc;

/// Publishes the notices until the local Supervisor stops sending them.
pub async fn publish_notices(
    mut notices: mpsc::UnboundedReceiver<SupvisorsNotice>,
    links: Arc<Links>,
) {
    while let Some(notice) = notices.recv().await {
        links.publish(&message_of(notice));
    }
}

/// The internal message that carries a notice.
pub fn message_of(notice: SupvisorsNotice) -> InternalMessage {
    match notice {
        SupvisorsNotice::ProcessState(event) => InternalMessage::Process(event),
        SupvisorsNotice::ProcessAdded(infos) => InternalMessage::ProcessAdded(infos),
        SupvisorsNotice::ProcessRemoved { group, name } => {
            InternalMessage::ProcessRemoved { group, name }
        }
        SupvisorsNotice::ProcessDisability(info) => InternalMessage::ProcessDisability(info),
    }
}
