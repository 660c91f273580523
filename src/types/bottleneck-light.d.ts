// The light build of bottleneck (what @octokit/plugin-throttling itself loads) has the same API
// as the full one, which alone ships types.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck'
  export default Bottleneck
}
