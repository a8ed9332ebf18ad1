export { Inspector, useDocVersion, type InspectorProps } from './inspector'
