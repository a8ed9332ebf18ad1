export { YamlPane, remoteChange, type YamlPaneProps } from './YamlPane'
export { stepAt, stepRanges, rangeOf, type StepRange } from './stepRanges'
export { diffText, type TextChange } from './textDiff'
