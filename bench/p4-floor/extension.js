// The floor of P4 (bench/p4-activation.mjs): the least an extension with shifterflow's activation
// events can cost the host to activate. Nothing to load, nothing to register.
'use strict';
exports.activate = () => {};
exports.deactivate = () => {};
