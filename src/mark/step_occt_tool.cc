// SPDX-License-Identifier: Apache-2.0
// A small OpenCASCADE program the marking tests use as the independent STEP reader and as the
// tool that transforms a model the way a copier's CAD system would:
//   check FILE              prints "valid <0|1> volume <mm³> faces <n>" (BRepCheck_Analyzer,
//                           and BRepGProp's adaptive integration to 1e-9 relative)
//   roundtrip IN OUT        STEPControl_Reader then STEPControl_Writer
//   move IN OUT             rotates 30° about (1, 2, 3) and moves by (40, -15, 7) mm
//   half IN OUT             keeps every other face
//   assembly IN OUT         the model moved, beside a box, in one file
// Exit 0 on success, 1 when a file cannot be read or written.
#include <BRepBuilderAPI_Transform.hxx>
#include <BRepCheck_Analyzer.hxx>
#include <BRepGProp.hxx>
#include <BRepPrimAPI_MakeBox.hxx>
#include <BRep_Builder.hxx>
#include <GProp_GProps.hxx>
#include <IFSelect_ReturnStatus.hxx>
#include <Interface_Static.hxx>
#include <STEPControl_Reader.hxx>
#include <STEPControl_Writer.hxx>
#include <TopExp_Explorer.hxx>
#include <TopoDS.hxx>
#include <TopoDS_Compound.hxx>
#include <gp_Trsf.hxx>

#include <cstdio>
#include <string>

namespace {

bool load(const char* path, TopoDS_Shape& shape) {
  STEPControl_Reader reader;
  if (reader.ReadFile(path) != IFSelect_RetDone) return false;
  reader.TransferRoots();
  shape = reader.OneShape();
  return !shape.IsNull();
}

bool save(const TopoDS_Shape& shape, const char* path) {
  Interface_Static::SetCVal("write.step.unit", "MM");
  STEPControl_Writer writer;
  if (writer.Transfer(shape, STEPControl_AsIs) != IFSelect_RetDone) return false;
  return writer.Write(path) == IFSelect_RetDone;
}

TopoDS_Shape moved(const TopoDS_Shape& shape) {
  gp_Trsf rotation, translation;
  rotation.SetRotation(gp_Ax1(gp_Pnt(0, 0, 0), gp_Dir(1, 2, 3)), 30 * M_PI / 180);
  translation.SetTranslation(gp_Vec(40, -15, 7));
  return BRepBuilderAPI_Transform(shape, translation * rotation, true).Shape();
}

TopoDS_Shape half(const TopoDS_Shape& shape) {
  BRep_Builder builder;
  TopoDS_Compound out;
  builder.MakeCompound(out);
  int index = 0;
  for (TopExp_Explorer faces(shape, TopAbs_FACE); faces.More(); faces.Next())
    if (index++ % 2 == 0) builder.Add(out, faces.Current());
  return out;
}

TopoDS_Shape assembly(const TopoDS_Shape& shape) {
  BRep_Builder builder;
  TopoDS_Compound out;
  builder.MakeCompound(out);
  builder.Add(out, moved(shape));
  builder.Add(out, BRepPrimAPI_MakeBox(gp_Pnt(-200, -200, -200), 50, 60, 70).Shape());
  return out;
}

int check(const TopoDS_Shape& shape) {
  GProp_GProps props;
  BRepGProp::VolumeProperties(shape, props, 1e-9, true);  // adaptive: the volume to ~1e-9 relative
  int faces = 0;
  for (TopExp_Explorer e(shape, TopAbs_FACE); e.More(); e.Next()) ++faces;
  std::printf("valid %d volume %.12g faces %d\n", BRepCheck_Analyzer(shape).IsValid() ? 1 : 0, props.Mass(),
              faces);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s check FILE | (roundtrip|move|half|assembly) IN OUT\n", argv[0]);
    return 1;
  }
  const std::string command = argv[1];
  TopoDS_Shape shape;
  if (!load(argv[2], shape)) {
    std::fprintf(stderr, "%s: cannot read\n", argv[2]);
    return 1;
  }
  if (command == "check") return check(shape);
  if (argc < 4) return 1;
  if (command == "move")
    shape = moved(shape);
  else if (command == "half")
    shape = half(shape);
  else if (command == "assembly")
    shape = assembly(shape);
  else if (command != "roundtrip")
    return 1;
  return save(shape, argv[3]) ? 0 : 1;
}
