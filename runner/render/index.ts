// The renderer's public surface: plan -> text.

export { renderJob } from './job-script';
export { renderGroup } from './group-script';
export { renderSubmitScript, jobScriptName, groupScriptName } from './submit-script';
export { renderInteractive, type InteractiveOptions, type InteractiveCommand } from './interactive';
export { renderGraph, type GraphFormat } from './graph';
export { RenderError } from './render-error';
export { quote, quoteArgv, quoteOption, sbatchLine, substituteInShell, QuoteError } from './shell-quote';
