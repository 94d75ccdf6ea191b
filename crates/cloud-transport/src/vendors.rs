//! The registry of the vendors compiled in: the [`Protocol`] each [`Vendor`] speaks, given the
//! default credentials chain it falls back on. The only place that names every vendor; the call
//! loop and the client ask here and hold a `dyn Protocol`.

use crate::protocol::Protocol;
use crate::Vendor;

#[cfg(feature = "tencent")]
static TENCENT: crate::tencent::Tencent = crate::tencent::Tencent {
    default_chain: crate::chain::tencent_default_chain,
};

#[cfg(feature = "huawei")]
static HUAWEI: crate::huawei::Huawei = crate::huawei::Huawei {
    default_chain: crate::chain::huawei_default_chain,
};

/// Every protocol compiled in.
static PROTOCOLS: &[&(dyn Protocol + 'static)] = &[
    #[cfg(feature = "tencent")]
    &TENCENT,
    #[cfg(feature = "huawei")]
    &HUAWEI,
];

/// The protocol of `vendor`, or `None` when its feature is off.
pub(crate) fn protocol(vendor: Vendor) -> Option<&'static dyn Protocol> {
    PROTOCOLS.iter().copied().find(|p| p.vendor() == vendor)
}
