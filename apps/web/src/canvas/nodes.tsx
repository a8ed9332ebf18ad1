/**
 * Node cards. Memoised, cheap DOM (no shadows or filters at rest), and reading everything from
 * `data`, so a node re-renders only when its own data object changes (see FlowNodeBuilder).
 */
import { createContext, memo, useContext, type CSSProperties, type KeyboardEvent } from 'react'
import { Handle, Position, type NodeProps } from '@xyflow/react'
import type { RemoteMark, WeftNode, WeftNodeData } from './flow'
import { StepCommentBadge } from '../comments/badge'

export interface NodeActions {
  toggleCollapse(id: string): void
  startRename(id: string): void
  commitRename(id: string, name: string): void
  cancelRename(): void
}

export const NodeActionsContext = createContext<NodeActions>({
  toggleCollapse: () => {},
  startRename: () => {},
  commitRename: () => {},
  cancelRename: () => {},
})

const Handles = memo(function Handles({ container }: { container: boolean }) {
  return (
    <>
      <Handle id="in" type="target" position={Position.Top} isConnectable={false} />
      <Handle id="out" type="source" position={Position.Bottom} isConnectable={false} />
      <Handle id="din" type="target" position={Position.Left} isConnectable={false} />
      <Handle id="dout" type="source" position={Position.Right} isConnectable={false} />
      {container ? (
        <>
          <Handle
            id="body"
            type="source"
            position={Position.Bottom}
            isConnectable={false}
            className="weft-handle--body"
          />
          <Handle
            id="back"
            type="target"
            position={Position.Right}
            isConnectable={false}
            className="weft-handle--back"
          />
        </>
      ) : null}
    </>
  )
})

function remoteStyle(remote: readonly RemoteMark[]): CSSProperties | undefined {
  if (remote.length === 0) return undefined
  return { ['--weft-remote' as string]: remote[0]!.color }
}

function Badges({ data }: { data: WeftNodeData }) {
  const d = data.diagnostics
  const errors = (d?.errors ?? 0) + data.problems.filter((p) => p.status === 'error').length
  const warnings = (d?.warnings ?? 0) + data.problems.filter((p) => p.status === 'warning').length
  const messages = [
    ...data.problems.map((p) => `${p.status}: ${p.reason}`),
    ...(d?.messages ?? []),
  ].join('\n')
  return (
    <>
      {data.acceptance === 'rejected' ? (
        <span
          className="weft-badge weft-badge--mark"
          title="Not accepted by pipeline_ex: documented only"
        >
          not accepted
        </span>
      ) : data.acceptance === 'test-only' ? (
        <span
          className="weft-badge weft-badge--mark"
          title="Accepted by pipeline_ex in test runs only"
        >
          test only
        </span>
      ) : null}
      <CountBadge count={errors} kind="error" messages={messages} />
      <CountBadge count={warnings} kind="warning" messages={messages} />
      {errors === 0 && warnings === 0 && (d?.infos ?? 0) > 0 ? (
        <span className="weft-badge weft-badge--info" title={messages}>
          i
        </span>
      ) : null}
    </>
  )
}

function Name({ id, data }: { id: string; data: WeftNodeData }) {
  const actions = useContext(NodeActionsContext)
  if (data.editing) {
    const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
      e.stopPropagation()
      if (e.key === 'Enter') actions.commitRename(id, e.currentTarget.value)
      else if (e.key === 'Escape') actions.cancelRename()
    }
    return (
      <input
        className="weft-node__rename nodrag nopan"
        aria-label="Step name"
        data-testid="rename-input"
        defaultValue={data.name}
        autoFocus
        onKeyDown={onKey}
        onBlur={(e) => actions.commitRename(id, e.currentTarget.value)}
      />
    )
  }
  return (
    <div
      className="weft-node__name"
      title={data.name}
      onDoubleClick={data.isStep && !data.readOnly ? () => actions.startRename(id) : undefined}
    >
      {data.name || <em>unnamed</em>}
    </div>
  )
}

function Remote({ remote }: { remote: readonly RemoteMark[] }) {
  if (remote.length === 0) return null
  return (
    <div className="weft-node__remote">
      {remote.map((r) => (
        <span key={r.name} style={{ background: r.color }} title={`Selected by ${r.name}`}>
          {r.name}
        </span>
      ))}
    </div>
  )
}

function Toggle({ id, data }: { id: string; data: WeftNodeData }) {
  const actions = useContext(NodeActionsContext)
  if (!data.container || data.childCount === 0) return null
  return (
    <button
      type="button"
      className="weft-node__toggle nodrag"
      aria-expanded={!data.collapsed}
      aria-label={data.collapsed ? `Expand ${data.name}` : `Collapse ${data.name}`}
      title={data.collapsed ? `Expand (${data.childCount} inside)` : 'Collapse'}
      onClick={(e) => {
        e.stopPropagation()
        actions.toggleCollapse(id)
      }}
    >
      {data.collapsed ? `▸ ${data.childCount}` : '▾'}
    </button>
  )
}

function testId(data: WeftNodeData): string {
  return `${data.isStep ? 'step' : data.kind === 'task' ? 'task' : 'extra'}-node-${data.name}`
}

function classes(base: string, data: WeftNodeData, selected: boolean): string {
  let c = base
  if (selected) c += ' is-selected'
  if (data.remote.length > 0) c += ' is-remote'
  if (data.dropTarget) c += ' is-drop-target'
  if (data.acceptance === 'rejected') c += ' is-rejected'
  if (data.problems.some((p) => p.status === 'error') || (data.diagnostics?.errors ?? 0) > 0)
    c += ' has-error'
  return c
}

export const StepNode = memo(function StepNode({ id, data, selected }: NodeProps<WeftNode>) {
  return (
    <div
      className={classes(`weft-card weft-card--${data.kind}`, data, selected)}
      data-testid={testId(data)}
      data-selected={selected}
      data-type={data.type}
      style={remoteStyle(data.remote)}
    >
      <Handles container={false} />
      <div className="weft-node__head">
        <span className="weft-node__type">{data.type ?? data.typeLabel}</span>
        <Badges data={data} />
        {data.isStep ? <StepCommentBadge id={id} name={data.name} /> : null}
        <Toggle id={id} data={data} />
      </div>
      <Name id={id} data={data} />
      <div className="weft-node__summary" title={data.summary}>
        {data.summary}
      </div>
      <Remote remote={data.remote} />
    </div>
  )
})

export const ContainerNode = memo(function ContainerNode({
  id,
  data,
  selected,
}: NodeProps<WeftNode>) {
  return (
    <div
      className={classes(`weft-container weft-container--${data.container}`, data, selected)}
      data-testid={testId(data)}
      data-selected={selected}
      data-type={data.type}
      style={remoteStyle(data.remote)}
    >
      <Handles container />
      <div className="weft-container__header">
        <div className="weft-node__head">
          <span className="weft-node__type">{data.type ?? data.typeLabel}</span>
          <Badges data={data} />
          {data.isStep ? <StepCommentBadge id={id} name={data.name} /> : null}
          <Toggle id={id} data={data} />
        </div>
        <Name id={id} data={data} />
        <div className="weft-node__summary" title={data.summary}>
          {data.summary}
        </div>
      </div>
      <Remote remote={data.remote} />
    </div>
  )
})

export const ExtraNode = memo(function ExtraNode({ data }: NodeProps<WeftNode>) {
  return (
    <div
      className={`weft-extra weft-extra--${data.kind}`}
      data-testid={testId(data)}
      title={data.summary}
    >
      <Handles container={false} />
      <span className="weft-extra__kind">
        {data.kind === 'loop_item' ? 'loop' : data.kind.replace('_', ' ')}
      </span>
      <span className="weft-extra__name">
        {data.kind === 'loop_item' ? data.summary : data.name}
      </span>
    </div>
  )
})

export const nodeTypes = { step: StepNode, container: ContainerNode, extra: ExtraNode }

/** The number of errors or warnings on a step, with their messages on hover. */
function CountBadge(props: { count: number; kind: 'error' | 'warning'; messages: string }) {
  const { count, kind, messages } = props
  if (count === 0) return null
  return (
    <span
      className={`weft-badge weft-badge--${kind}`}
      title={messages}
      data-testid={`node-${kind}s`}
      aria-label={`${count} ${kind}${count > 1 ? 's' : ''}: ${messages}`}
    >
      {count}
    </span>
  )
}
